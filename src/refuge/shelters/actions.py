"""Writes about shelters: places taken and given back, check-in and check-out, status.

Every change of occupancy is two writes in one transaction: the ledger events and a
conditional UPDATE of the shelter's cached counters. The UPDATE only succeeds while
the shelter has room (and the table's check constraint backs it up), so two desks
can never fill the same last place, on SQLite or PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q

from refuge.movements.actions import event, record_events
from refuge.movements.models import Movement
from refuge.registry.models import Household, Person
from refuge.shelters.models import Shelter, ShelterChange, Status
from refuge.webhooks import events as webhooks


class ShelterRefused(Exception):
    """The shelter cannot take these people (full, not open, or not the one they hold)."""

    def __init__(self, shelter: Shelter, message: str) -> None:
        super().__init__(message)
        self.shelter = shelter


@dataclass(frozen=True)
class Arrival:
    household: Household
    shelter: Shelter
    at: datetime
    members: Sequence[Person] | None = None  # default: the whole household
    reserved: bool = False  # the places were taken earlier by do_assign


def _members(household: Household, members: Sequence[Person] | None) -> list[Person]:
    return list(members) if members is not None else list(household.members.all())


def do_assign(
    *,
    household: Household,
    shelter: Shelter,
    at: datetime,
    recorded_by: object | None = None,
    members: Sequence[Person] | None = None,
) -> int:
    """Reserve places for a household (or `members` of it) in a shelter; returns how many."""
    people = _members(household, members)
    n = len(people)
    with transaction.atomic():
        taken = Shelter.objects.filter(
            pk=shelter.pk,
            status=Status.OPEN,
            capacity__gte=F("occupancy") + F("reserved") + n,
        ).update(reserved=F("reserved") + n)
        if not taken:
            raise ShelterRefused(shelter, f"{shelter.name}: fewer than {n} free places")
        _events(Movement.Kind.ASSIGNED, household, people, shelter, at, recorded_by)
        webhooks.places_taken(shelter.pk, shelter.operation_id, added=n)
    return n


@dataclass(frozen=True)
class Assignment:
    household: Household
    shelter: Shelter
    at: datetime
    members: Sequence[Person]


def do_assign_many(assignments: Sequence[Assignment], *, recorded_by: object | None = None) -> int:
    """`do_assign` for many households at once (an import batch); returns the places taken.

    The same counters and ledger events as one `do_assign` per household, with one
    conditional UPDATE per shelter: all or nothing, ShelterRefused if a shelter has
    fewer free places than the households given it (a concurrent desk took them).
    """
    per_shelter: dict[int, int] = defaultdict(int)
    by_pk: dict[int, Shelter] = {}
    for a in assignments:
        per_shelter[a.shelter.pk] += len(a.members)
        by_pk[a.shelter.pk] = a.shelter
    with transaction.atomic():
        for pk, n in sorted(per_shelter.items()):  # fixed order: no deadlocks
            taken = Shelter.objects.filter(
                pk=pk, status=Status.OPEN, capacity__gte=F("occupancy") + F("reserved") + n
            ).update(reserved=F("reserved") + n)
            if not taken:
                raise ShelterRefused(by_pk[pk], f"{by_pk[pk].name}: fewer than {n} free places")
        record_events(
            row
            for a in assignments
            for row in _event_rows(
                Movement.Kind.ASSIGNED, a.household, a.members, a.shelter, a.at, recorded_by
            )
        )
        for pk, n in sorted(per_shelter.items()):  # partners' "nearly full", as do_assign
            webhooks.places_taken(pk, by_pk[pk].operation_id, added=n)
    return sum(per_shelter.values())


def do_release(
    *, household: Household, shelter: Shelter, at: datetime, recorded_by: object | None = None
) -> None:
    """Give back places reserved for a household that did not come."""
    people = _members(household, None)
    with transaction.atomic():
        Shelter.objects.filter(pk=shelter.pk, reserved__gte=len(people)).update(
            reserved=F("reserved") - len(people)
        )
        _events(Movement.Kind.RELEASED, household, people, shelter, at, recorded_by)


def do_check_in(arrivals: Sequence[Arrival], *, recorded_by: object | None = None) -> None:
    """Check households in. All or nothing: if one shelter lacks room, nobody is checked in."""
    per_shelter: dict[int, list[tuple[Arrival, list[Person]]]] = defaultdict(list)
    for a in arrivals:
        per_shelter[a.shelter.pk].append((a, _members(a.household, a.members)))
    with transaction.atomic():
        events = []
        for shelter_pk, group in sorted(per_shelter.items()):  # fixed order: no deadlocks
            shelter = group[0][0].shelter
            walk_in = sum(len(p) for a, p in group if not a.reserved)
            held = sum(len(p) for a, p in group if a.reserved)
            ok = Shelter.objects.filter(
                pk=shelter_pk,
                status__in=(Status.OPEN, Status.FULL),
                reserved__gte=held,
                capacity__gte=F("occupancy") + F("reserved") + walk_in,
            ).update(occupancy=F("occupancy") + walk_in + held, reserved=F("reserved") - held)
            if not ok:
                raise ShelterRefused(
                    shelter, f"{shelter.name}: no room for {walk_in + held} more people"
                )
            for a, people in group:
                events += _event_rows(
                    Movement.Kind.CHECKED_IN, a.household, people, shelter, a.at, recorded_by
                )
            webhooks.places_taken(shelter_pk, shelter.operation_id, added=walk_in)
            _mark_full_if_no_room(shelter_pk, at=max(a.at for a, _ in group))
        record_events(events)


def do_check_out(
    *,
    household: Household,
    shelter: Shelter,
    at: datetime,
    to: str,
    members: Sequence[Person] | None = None,
    recorded_by: object | None = None,
) -> None:
    if to not in Movement.CheckOutTo.values:
        raise ValueError(f"unknown check-out destination {to!r}")
    people = _members(household, members)
    with transaction.atomic():
        ok = Shelter.objects.filter(pk=shelter.pk, occupancy__gte=len(people)).update(
            occupancy=F("occupancy") - len(people)
        )
        if not ok:
            raise ShelterRefused(shelter, f"{shelter.name}: these people are not checked in")
        record_events(
            _event_rows(
                Movement.Kind.CHECKED_OUT, household, people, shelter, at, recorded_by, to=to
            )
        )
        shelter.refresh_from_db(fields=["status", "capacity", "occupancy", "reserved"])
        if shelter.status == Status.FULL and shelter.free > 0:
            do_change_status(shelter=shelter, status=Status.OPEN, at=at, reason="places free again")


def do_change_status(
    *,
    shelter: Shelter,
    status: str,
    at: datetime,
    reason: str = "",
    capacity: int | None = None,
    recorded_by: object | None = None,
) -> ShelterChange:
    """Open, fill, close or resize a shelter; the change and its reason are kept."""
    if status not in Status.values:
        raise ValueError(f"unknown shelter status {status!r}")
    capacity = shelter.capacity if capacity is None else capacity
    room = Q(occupancy__lte=capacity - F("reserved"))
    if status in (Status.CLOSED, Status.STANDBY):
        # Nobody is closed in or forgotten: move people out and release places first.
        room &= Q(occupancy=0, reserved=0)
    with transaction.atomic():
        before = Shelter.objects.filter(pk=shelter.pk).values("status", "capacity").first()
        ok = Shelter.objects.filter(room, pk=shelter.pk).update(status=status, capacity=capacity)
        if not ok:
            current = Shelter.objects.get(pk=shelter.pk)
            if status in (Status.CLOSED, Status.STANDBY) and (
                current.occupancy or current.reserved
            ):
                raise ShelterRefused(
                    shelter,
                    f"{shelter.name}: {current.occupancy} people inside and {current.reserved} "
                    "places reserved; move them before it closes",
                )
            raise ShelterRefused(shelter, f"{shelter.name}: more people inside than {capacity}")
        shelter.status, shelter.capacity = status, capacity
        change = ShelterChange.objects.create(
            shelter=shelter,
            at=at,
            status=status,
            capacity=capacity,
            reason=reason,
            recorded_by=recorded_by,
        )
        if before is not None:  # partners' webhooks, delivered after the commit
            webhooks.shelter_changed(shelter, before_status=before["status"],
                                     before_capacity=before["capacity"], change=change)  # fmt: skip
        return change


def _mark_full_if_no_room(shelter_pk: int, at: datetime) -> None:
    shelter = Shelter.objects.get(pk=shelter_pk)
    if shelter.status == Status.OPEN and shelter.free == 0:
        do_change_status(shelter=shelter, status=Status.FULL, at=at, reason="no free places")


def _event_rows(
    kind: str,
    household: Household,
    people: Sequence[Person],
    shelter: Shelter,
    at: datetime,
    recorded_by: object | None,
    to: str = "",
) -> list[tuple[object, ...]]:
    return [
        event(
            operation_id=household.operation_id,
            kind=kind,
            at=at,
            person_id=p.pk,
            household_id=household.pk,
            shelter_id=shelter.pk,
            destination=to,
            recorded_by_id=getattr(recorded_by, "pk", None),
        )
        for p in people
    ]


def _events(
    kind: str,
    household: Household,
    people: Sequence[Person],
    shelter: Shelter,
    at: datetime,
    recorded_by: object | None,
) -> None:
    record_events(_event_rows(kind, household, people, shelter, at, recorded_by))
