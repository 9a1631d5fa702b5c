"""The ledger feed and the shelters list: what they write, how they page, how many
queries a page costs. Timings are for bench/api_feed.py, never for a test."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from refuge.api.serializers import MovementSerializer, ShelterSerializer
from refuge.api.tests.helpers import bearer, token_for
from refuge.desks.tests.world import World, register, shelter
from refuge.geo.models import Region
from refuge.movements.models import Movement
from refuge.shelters.actions import Arrival, do_check_in, do_check_out, do_release
from refuge.shelters.models import Shelter

MSK = ZoneInfo("Europe/Moscow")


def _every_kind_of_event(world: World) -> None:
    """Check-ins, a check-out, a release, a walk-in family of 7 and a voiding event."""
    now = datetime.now(MSK) - timedelta(minutes=50)
    do_check_in([Arrival(world.household_a, world.shelter_a, now, reserved=True)],
                recorded_by=world.users["manager"])  # fmt: skip
    do_check_out(household=world.household_a, shelter=world.shelter_a,
                 at=now + timedelta(minutes=5), to=Movement.CheckOutTo.RELATIVES)  # fmt: skip
    do_release(household=world.household_b, shelter=world.shelter_b, at=now)
    seven = register(world.operation, world.point_b, "Коваленко", size=7)
    do_check_in([Arrival(seven, world.shelter_b, now + timedelta(minutes=9))])
    wrong = Movement.objects.filter(household=seven, kind=Movement.Kind.CHECKED_IN).first()
    assert wrong is not None
    Movement.objects.create(
        operation=world.operation, kind=Movement.Kind.VOIDED, at=now + timedelta(minutes=20),
        person_id=wrong.person_id, household=seven, shelter=world.shelter_b, corrects=wrong,
        note="checked in twice by mistake",
    )  # fmt: skip


def _walk(client: Any, url: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        rows += response.json()["results"]
        url = response.json()["next"]
    return rows


def test_the_feed_writes_each_event_as_the_model_serializer_would(world: World) -> None:
    _every_kind_of_event(world)
    client = bearer(token_for(world.users["national"]))
    kinds = set(Movement.objects.values_list("kind", flat=True))
    assert {"registered", "assigned", "released", "checked_in", "checked_out", "voided"} <= kinds
    for zone in ("Europe/Moscow", "UTC"):  # UTC writes "Z", as DRF does
        with timezone.override(zone):
            fed = _walk(client, "/api/v1/ledger/?page_size=5")
            expected = [dict(MovementSerializer(m).data) for m in Movement.objects.order_by("pk")]
        assert fed == expected
        assert [list(r) for r in fed] == [MovementSerializer.Meta.fields] * len(fed)
    assert any(r["at"].endswith("Z") for r in fed)


def test_paging_the_feed_by_cursor_sees_every_event_once_in_order(world: World) -> None:
    _every_kind_of_event(world)
    client = bearer(token_for(world.users["national"]))
    fed = _walk(client, "/api/v1/ledger/?page_size=3")
    ids = list(Movement.objects.order_by("pk").values_list("pk", flat=True))
    assert [r["id"] for r in fed] == ids and len(ids) > 12
    since = Movement.objects.order_by("pk")[7].recorded_at
    later = _walk(
        client, f"/api/v1/ledger/?page_size=4&since={since.isoformat()}".replace("+", "%2B")
    )
    assert [r["id"] for r in later] == list(
        Movement.objects.filter(recorded_at__gte=since).order_by("pk").values_list("pk", flat=True)
    )


def test_a_feed_page_is_one_ledger_query_with_no_count_and_no_offset(world: World) -> None:
    _every_kind_of_event(world)
    client = bearer(token_for(world.users["national"]))
    first = client.get("/api/v1/ledger/?page_size=4").json()
    with CaptureQueriesContext(connection) as page:
        body = client.get(first["next"]).json()
    assert len(body["results"]) == 4 and body["previous"]
    ledger = [q["sql"] for q in page.captured_queries if '"movements_movement"' in q["sql"]]
    assert len(ledger) == 1, ledger
    sql = ledger[0].upper()
    # The keyset: the last id of the page before, no rows skipped, one row more than a page.
    assert f'"MOVEMENTS_MOVEMENT"."ID" > {first["results"][-1]["id"]}' in sql
    assert "OFFSET" not in sql and "LIMIT 5" in sql
    assert not any("COUNT(" in q["sql"].upper() for q in page.captured_queries)


def test_the_shelters_list_is_the_serializer_s_and_its_queries_do_not_grow(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = bearer(token_for(world.users["national"]))
    do_check_in([Arrival(world.household_a, world.shelter_a, timezone.now(), reserved=True)])
    # The token (and its last use, written at most now and then), the membership, the
    # rate count, and one query for the shelters with their occupancy however many.
    with django_assert_max_num_queries(5):
        two = client.get("/api/v1/shelters/?page_size=1000").json()["results"]
    expected = [dict(ShelterSerializer(x).data) for x in Shelter.objects.order_by("pk")]
    assert two == expected and two[0]["occupancy"] == 2 and two[0]["free"] == 38
    kursk, belgorod = Region.objects.get(code="RU-KRS"), Region.objects.get(code="RU-BEL")
    for i in range(1, 41):
        shelter(world.operation, kursk if i % 2 else belgorod, f"Школа № {i}", 7 * i)
    with django_assert_max_num_queries(5):
        many = client.get("/api/v1/shelters/?page_size=1000").json()["results"]
    assert len(many) == 42
    assert many == [dict(ShelterSerializer(x).data) for x in Shelter.objects.order_by("pk")]
    by_capacity = _walk(client, "/api/v1/shelters/?page_size=10&ordering=-capacity")
    assert [r["capacity"] for r in by_capacity] == sorted(
        (r["capacity"] for r in many), reverse=True
    )
