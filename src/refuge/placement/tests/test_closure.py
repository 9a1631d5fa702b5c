"""Closing a shelter: preview the moves, accept, and the shelter closes only when empty."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from refuge.audit.models import AuditEvent
from refuge.desks.tests.world import World
from refuge.geo.models import Region
from refuge.movements.models import Movement
from refuge.placement.models import PlacementPlan
from refuge.placement.tests.helpers import ledger_agrees, shelter, waiting
from refuge.shelters.actions import Arrival, do_check_in
from refuge.shelters.models import Shelter, ShelterChange

MSK = ZoneInfo("Europe/Moscow")


def _inside(world: World, target: Shelter, family: str, size: int):  # type: ignore[no-untyped-def]
    h = waiting(world.point_a, family, size)
    do_check_in([Arrival(household=h, shelter=target, at=datetime.now(MSK) - timedelta(hours=1))])
    return h


def _preview(client, target: Shelter, reason: str = "boiler failure") -> PlacementPlan:  # type: ignore[no-untyped-def]
    response = client.post("/placement/close/", {"shelter": target.pk, "reason": reason})
    assert response.status_code == 302, response.content.decode()
    return PlacementPlan.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def test_everyone_is_moved_whole_and_the_shelter_closes(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    krs = Region.objects.get(code="RU-KRS")
    closing = shelter(world.operation, krs, "Closing school", 10, lat=51.7, lon=36.1)
    near = shelter(world.operation, krs, "Near gym", 4, lat=51.72, lon=36.15)
    big, small = _inside(world, closing, "Big", 4), _inside(world, closing, "Small", 2)
    client = as_user("national")

    plan = _preview(client, closing)
    page = client.get(f"/placement/plans/{plan.pk}/").content.decode()
    assert "Closing Closing school" in page and "boiler failure" in page
    assert 'id="placed">6<' in page and 'id="unplaced">0<' in page
    rows = {r.household: r.shelter for r in plan.rows.all()}
    # The family of four fills the nearest shelter; the two go to Shelter A.
    assert rows == {big: near, small: world.shelter_a}
    closing.refresh_from_db()
    assert closing.occupancy == 6 and closing.status == "open"  # the preview moved nobody

    page = client.post(f"/placement/plans/{plan.pk}/accept/", follow=True).content.decode()
    assert "2 households done, 0 skipped" in page and "not closed" not in page
    closing.refresh_from_db()
    assert (closing.status, closing.occupancy, closing.reserved) == ("closed", 0, 0)
    assert ShelterChange.objects.filter(shelter=closing).last().reason == "boiler failure"
    outs = Movement.objects.filter(kind="checked_out", shelter=closing)
    assert set(outs.values_list("destination", flat=True)) == {"other_shelter"}
    assert Movement.objects.filter(kind="checked_in", shelter=near, household=big).count() == 4
    assert ledger_agrees(closing, near, world.shelter_a)
    assert AuditEvent.objects.filter(object_type="shelter", object_id=str(closing.pk)).exists()


def test_expected_households_are_sent_to_the_new_shelter_too(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    # world.household_a holds 2 reserved places in Shelter A.
    client = as_user("national")
    plan = _preview(client, world.shelter_a)
    (row,) = plan.rows.all()
    assert row.household == world.household_a and row.reserved_only
    assert row.shelter == world.shelter_b
    client.post(f"/placement/plans/{plan.pk}/accept/")
    world.shelter_a.refresh_from_db()
    world.shelter_b.refresh_from_db()
    assert (world.shelter_a.status, world.shelter_a.reserved) == ("closed", 0)
    assert world.shelter_b.reserved == 4
    assert ledger_agrees(world.shelter_a, world.shelter_b)


def test_with_too_few_places_elsewhere_the_shelter_stays_open_and_says_so(
    world: World, as_user
) -> None:  # type: ignore[no-untyped-def]
    krs = Region.objects.get(code="RU-KRS")
    Shelter.objects.filter(pk=world.shelter_b.pk).update(status="closed")
    Shelter.objects.filter(pk=world.shelter_a.pk).update(capacity=5)  # 3 free
    closing = shelter(world.operation, krs, "Closing school", 10, lat=51.7, lon=36.1)
    stays, moves = _inside(world, closing, "Stays", 4), _inside(world, closing, "Moves", 3)
    client = as_user("national")
    plan = _preview(client, closing)
    page = client.get(f"/placement/plans/{plan.pk}/").content.decode()
    assert "4 persons cannot be moved" in page and "will not be closed" in page
    assert plan.rows.get(household=stays).shelter is None

    page = client.post(f"/placement/plans/{plan.pk}/accept/", follow=True).content.decode()
    assert "The shelter is not closed: people remain in it." in page
    closing.refresh_from_db()
    assert (closing.status, closing.occupancy) == ("open", 4)
    assert Movement.objects.filter(kind="checked_in", household=moves).count() == 6
    assert ledger_agrees(closing, world.shelter_a)


def test_a_closed_shelter_cannot_be_closed_again(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    Shelter.objects.filter(pk=world.shelter_b.pk).update(status="closed")
    response = as_user("national").post(
        "/placement/close/", {"shelter": world.shelter_b.pk, "reason": "again"}
    )
    assert response.status_code == 422
    assert "This shelter is closed already." in response.content.decode()
    assert not PlacementPlan.objects.exists()


def test_a_reason_is_required_and_nothing_is_written_without_it(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("national").post("/placement/close/", {"shelter": world.shelter_a.pk})
    assert response.status_code == 422
    assert 'id="id_reason-error"' in response.content.decode()
    assert not PlacementPlan.objects.exists()


def test_an_unknown_or_foreign_shelter_is_not_found(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    national, regional = as_user("national"), as_user("regional")
    assert national.get("/placement/close/?shelter=999999").status_code == 404
    assert national.get("/placement/close/?shelter=abc").status_code == 404
    assert regional.get(f"/placement/close/?shelter={world.shelter_b.pk}").status_code == 404
    posted = regional.post("/placement/close/", {"shelter": world.shelter_b.pk, "reason": "x"})
    assert posted.status_code == 422
    assert "Choose a shelter from the list." in posted.content.decode()
    assert not PlacementPlan.objects.exists()


def test_a_regional_coordinator_moves_people_within_their_region_only(
    world: World, as_user
) -> None:  # type: ignore[no-untyped-def]
    # The only free places are in Belgorod, outside the Kursk coordinator's region.
    krs = Region.objects.get(code="RU-KRS")
    closing = shelter(world.operation, krs, "Closing school", 10, lat=51.7, lon=36.1)
    Shelter.objects.filter(pk=world.shelter_a.pk).update(status="closed")
    family = _inside(world, closing, "Local", 2)
    plan = _preview(as_user("regional"), closing)
    assert plan.rows.get(household=family).shelter is None
    assert plan.unplaced_persons == 2


def test_others_cannot_close_shelters(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    for who in ("registrar_a", "manager", "auditor"):
        client = as_user(who)
        assert client.get("/placement/close/").status_code == 403
        data = {"shelter": world.shelter_a.pk, "reason": "x"}
        assert client.post("/placement/close/", data).status_code == 403
    assert not PlacementPlan.objects.exists()
