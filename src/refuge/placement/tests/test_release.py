"""`refuge release_reservations`: places held for households that never came go back."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from refuge.accounts.scope import Actor
from refuge.audit.models import AuditEvent
from refuge.desks.tests.world import World
from refuge.movements.models import Movement
from refuge.placement.selectors import waiting_households
from refuge.placement.tests.helpers import ledger_agrees, waiting
from refuge.shelters.actions import Arrival, do_assign, do_check_in

MSK = ZoneInfo("Europe/Moscow")


def _release(*args: str) -> str:
    out = StringIO()
    call_command("release_reservations", *args, stdout=out)
    return out.getvalue()


def test_reservations_older_than_the_limit_are_released_once(world: World) -> None:
    now = datetime.now(MSK)
    late = waiting(world.point_a, "Late", 3)
    came = waiting(world.point_a, "Came", 2)
    do_assign(household=late, shelter=world.shelter_a, at=now - timedelta(hours=13))
    do_assign(household=came, shelter=world.shelter_a, at=now - timedelta(hours=20))
    do_check_in([Arrival(household=came, shelter=world.shelter_a, at=now, reserved=True)])
    world.shelter_a.refresh_from_db()
    assert world.shelter_a.reserved == 2 + 3  # world.household_a (1 h ago) and "Late"

    printed = _release()
    assert (
        f"released 3 places at Shelter A (shelter {world.shelter_a.pk}) held for household {late.pk}"
        in printed
    )
    assert "1 reservations released (3 places), older than 12 h" in printed
    world.shelter_a.refresh_from_db()
    assert (world.shelter_a.reserved, world.shelter_a.occupancy) == (2, 2)
    assert Movement.objects.filter(kind="released", household=late).count() == 3
    assert ledger_agrees(world.shelter_a, world.shelter_b)
    assert AuditEvent.objects.filter(object_id=str(late.pk), summary__contains="released").exists()

    assert "0 reservations released" in _release()
    assert Movement.objects.filter(kind="released").count() == 3

    national = world.users["national"]
    actor = Actor(user=national, membership=national.memberships.get())
    assert late in waiting_households(actor)  # back on the waiting list


def test_a_shorter_limit_releases_recent_reservations_too(world: World) -> None:
    printed = _release("--older-than", "0.5")
    assert "2 reservations released (4 places), older than 0.5 h" in printed
    for s in (world.shelter_a, world.shelter_b):
        s.refresh_from_db()
        assert s.reserved == 0
    assert ledger_agrees(world.shelter_a, world.shelter_b)


def test_a_household_reserved_again_after_a_release_is_timed_from_the_new_reservation(
    world: World,
) -> None:
    now = datetime.now(MSK)
    again = waiting(world.point_a, "Again", 1)
    do_assign(household=again, shelter=world.shelter_a, at=now - timedelta(hours=30))
    _release()
    do_assign(household=again, shelter=world.shelter_a, at=now - timedelta(hours=1))
    assert "0 reservations released" in _release()
    assert Movement.objects.filter(kind="released", household=again).count() == 1


def test_a_limit_that_is_not_positive_is_refused(world: World) -> None:
    with pytest.raises(CommandError, match="positive"):
        _release("--older-than", "0")
    assert not Movement.objects.filter(kind="released").exists()
