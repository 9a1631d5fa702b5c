"""Sixteen desks check one person each into a shelter with ten free places, at once."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from refuge.desks.tests.world import build_world, register, shelter
from refuge.geo.models import Region
from refuge.movements.models import Movement
from refuge.shelters.actions import Arrival, ShelterRefused, do_check_in

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so nothing races there",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_sixteen_concurrent_check_ins_fill_ten_places_and_refuse_six() -> None:
    world = build_world()
    target = shelter(world.operation, Region.objects.get(code="RU-KRS"), "Ten places", 10)
    households = [register(world.operation, world.point_a, f"Walk{i}", size=1) for i in range(16)]
    start = threading.Barrier(16)
    checked_in: list[int] = []
    refused: list[str] = []
    failed: list[BaseException] = []
    lock = threading.Lock()

    def desk(household) -> None:  # type: ignore[no-untyped-def]
        try:
            start.wait()
            arrival = Arrival(
                household=household, shelter=target, at=datetime.now(ZoneInfo("Europe/Moscow"))
            )
            do_check_in([arrival])
            with lock:
                checked_in.append(household.pk)
        except ShelterRefused as e:
            with lock:
                refused.append(str(e))
        except BaseException as e:  # anything else is a failure the test must show
            with lock:
                failed.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=desk, args=(h,)) for h in households]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert failed == []
    assert len(checked_in) == 10
    assert len(refused) == 6
    assert all("no room" in message for message in refused)
    target.refresh_from_db()
    assert (target.occupancy, target.reserved, target.free) == (10, 0, 0)
    ins = Movement.objects.filter(shelter=target, kind=Movement.Kind.CHECKED_IN)
    assert sorted(ins.values_list("household_id", flat=True)) == sorted(checked_in)
