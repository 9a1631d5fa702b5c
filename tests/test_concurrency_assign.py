"""Thirty-two desks compete for the last ten places of a shelter, at once."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from refuge.accounts.scope import Actor
from refuge.desks.actions import do_register_at_desk
from refuge.desks.tests.world import World, build_world, register, shelter
from refuge.geo.models import Region, Settlement
from refuge.movements.models import Movement
from refuge.movements.selectors import shelter_counts_from_ledger
from refuge.placement.services import ShelterRequest, plan_for_households
from refuge.registry.actions import MemberData
from refuge.registry.models import Household
from refuge.shelters.actions import ShelterRefused, do_assign
from refuge.shelters.models import Shelter, Status

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so nothing races there",
    ),
]
DESKS = 32
MSK = ZoneInfo("Europe/Moscow")


def _last_ten_places(world: World) -> Shelter:
    """A shelter of 40 whose first 30 places are taken: 10 left."""
    target = shelter(world.operation, Region.objects.get(code="RU-KRS"), "Last ten", 40)
    Shelter.objects.filter(pk=world.shelter_a.pk).update(status=Status.CLOSED)
    Shelter.objects.filter(pk=world.shelter_b.pk).update(status=Status.CLOSED)
    for i in range(3):
        early = register(world.operation, world.point_a, f"Early{i}", size=10)
        do_assign(household=early, shelter=target, at=datetime.now(MSK))
    target.refresh_from_db()
    assert target.free == 10
    return target


def _race(work: Callable[[int], object]) -> tuple[list[object], list[str], list[BaseException]]:
    start = threading.Barrier(DESKS)
    won: list[object] = []
    refused: list[str] = []
    failed: list[BaseException] = []
    lock = threading.Lock()

    def desk(i: int) -> None:
        try:
            start.wait()
            result = work(i)
            with lock:
                won.append(result)
        except ShelterRefused as e:
            with lock:
                refused.append(str(e))
        except BaseException as e:  # anything else is a failure the test must show
            with lock:
                failed.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(DESKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return won, refused, failed


def _ledger_and_cache_agree(target: Shelter) -> None:
    target.refresh_from_db()
    assert (target.capacity, target.occupancy, target.reserved, target.free) == (40, 0, 40, 0)
    assert shelter_counts_from_ledger([target.pk])[target.pk] == (0, 40)


@pytest.mark.django_db(transaction=True)
def test_thirty_two_reservations_for_ten_places_give_ten_and_refuse_the_rest() -> None:
    world = build_world()
    target = _last_ten_places(world)
    households = [
        register(world.operation, world.point_a, f"Solo{i}", size=1) for i in range(DESKS)
    ]

    def reserve(i: int) -> int:
        do_assign(household=households[i], shelter=target, at=datetime.now(MSK))
        return households[i].pk

    won, refused, failed = _race(reserve)
    assert failed == []
    assert (len(won), len(refused)) == (10, DESKS - 10)
    assert all("fewer than 1 free places" in message for message in refused)
    assigned = Movement.objects.filter(
        shelter=target, kind=Movement.Kind.ASSIGNED, household__in=households
    )
    assert sorted(assigned.values_list("household_id", flat=True)) == sorted(won)
    _ledger_and_cache_agree(target)


@pytest.mark.django_db(transaction=True)
def test_thirty_two_registrars_suggested_the_same_shelter_register_ten_and_are_told_the_rest() -> (
    None
):
    """The desk's path: a suggestion from the engine, then register-and-reserve in one go."""
    world = build_world()
    target = _last_ten_places(world)
    registrar = world.users["registrar_a"]
    actor = Actor(
        user=registrar,
        membership=registrar.memberships.select_related("reception_point", "operation").get(),
    )
    origin = Settlement.objects.get(name_ru="Суджа")
    # Every desk reads the free places before anyone reserves: all are told "Last ten".
    open_now = list(Shelter.objects.filter(operation=world.operation, status=Status.OPEN))
    request = ShelterRequest(
        household=None, size=1, lat=origin.lat, lon=origin.lon, needs=frozenset()
    )
    suggestions = [plan_for_households([request], open_now)[0] for _ in range(DESKS)]
    assert {s.pk for s in suggestions if s} == {target.pk}

    def register_at_desk(i: int) -> int:
        household, _created = do_register_at_desk(
            actor=actor,
            origin=origin,
            mode="own",
            destination="shelter",
            members=[MemberData(given_name="Ivan", family_name=f"Desk{i}", birth_year=1960)],
            idempotency_key=uuid.uuid4(),
            shelter=suggestions[i],
        )
        return household.pk

    won, refused, failed = _race(register_at_desk)
    assert failed == []
    assert (len(won), len(refused)) == (10, DESKS - 10)
    # All or nothing: a refused registrar saved nobody, and is asked to register again.
    registered = Household.objects.filter(members__family_name__startswith="Desk")
    assert sorted(registered.values_list("pk", flat=True)) == sorted(won)
    _ledger_and_cache_agree(target)
