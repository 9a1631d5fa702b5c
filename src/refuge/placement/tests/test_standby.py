"""Standby shelters: which to open next for the households waiting, and opening one."""

from __future__ import annotations

from refuge.audit.models import AuditEvent
from refuge.desks.tests.world import World
from refuge.geo.models import Region
from refuge.placement.tests.helpers import shelter, waiting
from refuge.shelters.models import Shelter, ShelterChange


def _standby(world: World, name: str, capacity: int, **kw):  # type: ignore[no-untyped-def]
    krs = Region.objects.get(code="RU-KRS")
    return shelter(world.operation, krs, name, capacity, status="standby", **kw)


def test_the_page_recommends_the_standby_shelter_that_takes_most_waiting_people(
    world: World, as_user
) -> None:  # type: ignore[no-untyped-def]
    _standby(world, "Small camp", 2, lat=51.2, lon=35.3)
    _standby(world, "Sanatorium", 20, lat=51.5, lon=36.0, medical=True)
    for i in range(3):
        waiting(world.point_a, f"Sick{i}", 2, needs=frozenset({"medical"}))
    waiting(world.point_a, "Well", 2)
    page = as_user("national").get("/placement/standby/").content.decode()
    assert "8 persons are waiting for a shelter." in page
    first = page.index("Sanatorium")
    assert first < page.index("Small camp")
    assert "takes 8 waiting persons (4 households)" in page
    assert "Including 6 in households needing a medical post." in page
    assert "0 still waiting after it." in page


def test_opening_a_standby_shelter_records_the_reason(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    camp = _standby(world, "Camp", 50, lat=51.5, lon=36.0)
    client = as_user("regional")
    page = client.post(
        f"/placement/standby/{camp.pk}/open/",
        {f"s{camp.pk}-reason": "Sudzha evacuation"},
        follow=True,
    ).content.decode()
    assert "Camp is open." in page
    camp.refresh_from_db()
    assert camp.status == "open"
    change = ShelterChange.objects.filter(shelter=camp).last()
    assert (change.status, change.reason, change.recorded_by) == (
        "open",
        "Sudzha evacuation",
        world.users["regional"],
    )
    assert AuditEvent.objects.filter(object_type="shelter", object_id=str(camp.pk)).exists()


def test_opening_without_a_reason_shows_the_error_next_to_the_field(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    camp = _standby(world, "Camp", 50, lat=51.5, lon=36.0)
    response = as_user("national").post(f"/placement/standby/{camp.pk}/open/", {})
    assert response.status_code == 422
    assert f'id="id_s{camp.pk}-reason-error"' in response.content.decode()
    camp.refresh_from_db()
    assert camp.status == "standby"
    assert ShelterChange.objects.filter(shelter=camp).count() == 1


def test_a_shelter_not_on_standby_is_not_opened_again(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    before = ShelterChange.objects.filter(shelter=world.shelter_a).count()
    page = (
        as_user("national")
        .post(
            f"/placement/standby/{world.shelter_a.pk}/open/",
            {f"s{world.shelter_a.pk}-reason": "again"},
            follow=True,
        )
        .content.decode()
    )
    assert "Shelter A is not on standby." in page
    assert ShelterChange.objects.filter(shelter=world.shelter_a).count() == before


def test_unknown_and_foreign_shelters_are_not_found(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    bel = Region.objects.get(code="RU-BEL")
    foreign = shelter(
        world.operation, bel, "Belgorod camp", 30, lat=50.6, lon=36.6, status="standby"
    )
    regional = as_user("regional")
    assert (
        regional.post("/placement/standby/999999/open/", {"s999999-reason": "x"}).status_code == 404
    )
    data = {f"s{foreign.pk}-reason": "x"}
    assert regional.post(f"/placement/standby/{foreign.pk}/open/", data).status_code == 404
    assert "Belgorod camp" not in regional.get("/placement/standby/").content.decode()
    foreign.refresh_from_db()
    assert foreign.status == "standby"


def test_others_cannot_open_shelters(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    camp = _standby(world, "Camp", 50, lat=51.5, lon=36.0)
    for who in ("registrar_a", "manager", "auditor"):
        client = as_user(who)
        assert client.get("/placement/standby/").status_code == 403
        data = {f"s{camp.pk}-reason": "x"}
        assert client.post(f"/placement/standby/{camp.pk}/open/", data).status_code == 403
    assert Shelter.objects.get(pk=camp.pk).status == "standby"
