"""Twelve submits of one registration page at once (a double-click, a retry, a proxy
replaying): one household, one reservation of its places, one audit entry."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, connections

from refuge.accounts.scope import Actor
from refuge.audit.models import AuditEvent
from refuge.desks.actions import do_register_at_desk
from refuge.desks.tests.world import build_world
from refuge.geo.models import Settlement
from refuge.movements.models import Movement
from refuge.registry.actions import MemberData
from refuge.registry.models import Household
from refuge.shelters.models import Shelter

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so nothing races there",
    ),
]
SUBMITS = 12
FAMILY = [
    MemberData(given_name="Лидия", family_name="Соколова", birth_year=1948, sex="F"),
    MemberData(given_name="Пётр", family_name="Соколов", birth_year=1949, sex="M",
               needs=frozenset({"wheelchair"})),
]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_with_one_key_leave_one_household_and_one_reservation() -> None:
    world = build_world()
    user = world.users["registrar_a"]
    actor = Actor(
        user=user, membership=user.memberships.select_related("operation", "reception_point").get()
    )  # type: ignore[attr-defined]
    key = uuid.uuid4()
    origin = Settlement.objects.filter(name_ru="Суджа").get()
    reserved_before = Shelter.objects.get(pk=world.shelter_a.pk).reserved
    start = threading.Barrier(SUBMITS)
    answers: list[tuple[int, bool]] = []
    failed: list[BaseException] = []
    lock = threading.Lock()

    def desk() -> None:
        try:
            start.wait()
            household, created = do_register_at_desk(
                actor=actor, origin=origin, mode="own", destination="shelter", members=FAMILY,
                idempotency_key=key, shelter=world.shelter_a,
            )  # fmt: skip
            with lock:
                answers.append((household.pk, created))
        except BaseException as e:  # anything else is a failure the test must show
            with lock:
                failed.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=desk) for _ in range(SUBMITS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert failed == []
    household = Household.objects.get(idempotency_key=key)
    assert sorted(answers) == sorted(
        [(household.pk, True)] + [(household.pk, False)] * (SUBMITS - 1)
    )
    assert household.members.count() == 2
    assigned = Movement.objects.filter(household=household, kind=Movement.Kind.ASSIGNED)
    assert assigned.count() == 2  # one event per member, once
    shelter = Shelter.objects.get(pk=world.shelter_a.pk)
    assert shelter.reserved == reserved_before + 2
    assert AuditEvent.objects.filter(action="create", object_id=str(household.pk)).count() == 1
