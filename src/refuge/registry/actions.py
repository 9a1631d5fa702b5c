"""Writes to the registry: registering households at a reception point.

One function serves the registration desk (one household) and the scenario loader
(tens of thousands): the same validation, the same rows, the same ledger events.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from refuge import bulk
from refuge.geo.models import Region, Settlement
from refuge.movements.actions import event, record_events
from refuge.movements.models import Movement
from refuge.operations.models import Operation
from refuge.registry.models import Destination, Household, Person, ReceptionPoint

NEEDS = ("wheelchair", "medical", "pregnant", "unaccompanied_minor", "elderly_alone")


@dataclass(frozen=True)
class MemberData:
    given_name: str
    family_name: str
    patronymic: str = ""
    sex: str = ""
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    needs: frozenset[str] = frozenset()
    consents_to_be_found: bool = False
    document_type: str = ""
    document_number: str = ""


def document_key(number: str) -> str:
    """The number's letters and digits, upper-cased: how search and linkage compare it."""
    return "".join(ch for ch in number.upper() if ch.isalnum())


@dataclass(frozen=True)
class Registration:
    reception_point: ReceptionPoint
    origin: Settlement
    left_at: datetime
    mode: str  # Movement.Mode
    registered_at: datetime
    destination: str  # Destination
    members: Sequence[MemberData]
    destination_region: Region | None = None
    destination_address: str = ""
    phone: str = ""
    idempotency_key: uuid.UUID | None = None
    extra: dict[str, object] = field(default_factory=dict)


def do_register_households(
    *,
    operation: Operation,
    registrations: Sequence[Registration],
    recorded_by: object | None = None,
    batch_size: int = 2000,
) -> list[Household]:
    """Register households with their members and record LEFT_HOME and REGISTERED events.

    All or nothing: one transaction. A registration whose idempotency key was already
    used returns the household registered then instead of creating another.
    """
    for r in registrations:
        _check(r)
    keys = [r.idempotency_key for r in registrations if r.idempotency_key]
    done = {h.idempotency_key: h for h in Household.objects.filter(idempotency_key__in=keys)}
    fresh = [r for r in registrations if r.idempotency_key not in done]
    try:
        with transaction.atomic():
            created = iter(_register(operation, fresh, recorded_by, batch_size))
    except IntegrityError:
        # Two submissions with one key raced past the lookup: the winner's household
        # is the answer for both.
        if keys and len(keys) == len(registrations):
            won = {h.idempotency_key: h for h in Household.objects.filter(idempotency_key__in=keys)}
            if len(won) == len(keys):
                return [won[k] for k in keys]
        raise
    return [
        done[r.idempotency_key] if r.idempotency_key in done else next(created)
        for r in registrations
    ]


@dataclass(frozen=True)
class NewHousehold:
    """A household just registered and its members' ids, in the registration's order."""

    household: Household
    person_ids: list[int]


def do_register_new_households(
    *,
    operation: Operation,
    registrations: Sequence[Registration],
    recorded_by: object | None = None,
) -> list[NewHousehold]:
    """Register households none of which is registered yet, in one transaction.

    For a caller that looked their idempotency keys up itself (an import batch) and
    must know that every household returned is its own: a key used meanwhile by
    another transaction raises IntegrityError and nothing is written. The members' ids
    come back with them, so the caller need not read its own rows back.
    """
    for r in registrations:
        _check(r)
    with transaction.atomic():
        return _register_with_ids(operation, registrations, recorded_by, 2000)


def do_register_household(
    *, operation: Operation, registration: Registration, recorded_by: object | None = None
) -> tuple[Household, bool]:
    """Register one household; returns it and whether this call created it.

    With an idempotency key already used, the household registered with it comes back
    with False, also when another transaction committed it a moment ago: the caller
    must then do none of the follow-up writes (places, audit) a second time.
    """
    _check(registration)
    key = registration.idempotency_key
    if key and (earlier := Household.objects.filter(idempotency_key=key).first()):
        return earlier, False
    try:
        with transaction.atomic():
            (household,) = _register(operation, [registration], recorded_by, 1)
    except IntegrityError:
        # The same key committed by a concurrent submit between the lookup and the insert.
        earlier = Household.objects.filter(idempotency_key=key).first() if key else None
        if earlier is None:
            raise
        return earlier, False
    return household, True


def do_add_members(
    *,
    household: Household,
    members: Sequence[MemberData],
    origin: Settlement,
    mode: str,
    left_at: datetime,
    registered_at: datetime,
    reception_point: ReceptionPoint,
    recorded_by: object | None = None,
) -> list[Person]:
    """Add people to a household registered earlier, with their own two ledger events.

    For relatives who arrive after their family: they left home and were registered
    when they did, not when the family did.
    """
    fresh = Registration(
        reception_point=reception_point, origin=origin, left_at=left_at, mode=mode,
        registered_at=registered_at, destination=household.destination, members=members,
        destination_region=household.destination_region,
    )  # fmt: skip
    _check(fresh)
    with transaction.atomic():
        persons = Person.objects.bulk_create([_person(household, m) for m in members])
        record_events(
            _events(household.operation_id, household, fresh, [p.pk for p in persons], recorded_by)
        )
    return persons


def _register(
    operation: Operation,
    registrations: Sequence[Registration],
    recorded_by: object | None,
    batch_size: int,
) -> list[Household]:
    return [
        n.household for n in _register_with_ids(operation, registrations, recorded_by, batch_size)
    ]


def _register_with_ids(
    operation: Operation,
    registrations: Sequence[Registration],
    recorded_by: object | None,
    batch_size: int,
) -> list[NewHousehold]:
    if bulk.copies() and len(registrations) > 1:
        return _register_copied(operation, registrations, recorded_by)
    households = Household.objects.bulk_create(
        [
            Household(
                operation=operation,
                reception_point=r.reception_point,
                origin=r.origin,
                phone=r.phone,
                destination=r.destination,
                destination_region=r.destination_region,
                destination_address=r.destination_address,
                registered_at=r.registered_at,
                registered_by=recorded_by,
                idempotency_key=r.idempotency_key,
            )
            for r in registrations
        ],
        batch_size=batch_size,
    )
    persons = Person.objects.bulk_create(
        [
            _person(household, m)
            for household, r in zip(households, registrations, strict=True)
            for m in r.members
        ],
        batch_size=batch_size,
    )
    rows, out = [], []
    people = iter(persons)
    for household, r in zip(households, registrations, strict=True):
        mine = [next(people).pk for _ in r.members]
        rows.extend(_events(operation.pk, household, r, mine, recorded_by))
        out.append(NewHousehold(household, mine))
    record_events(rows)
    return out


HOUSEHOLD_COLUMNS = (
    "id", "operation_id", "reception_point_id", "origin_id", "phone", "destination",
    "destination_region_id", "destination_address", "registered_at", "registered_by_id",
    "idempotency_key",
)  # fmt: skip
PERSON_COLUMNS = (
    "id", "household_id", "given_name", "patronymic", "family_name", "sex", "birth_year",
    "birth_month", "birth_day", "needs_wheelchair", "needs_medical", "pregnant",
    "unaccompanied_minor", "elderly_alone", "consents_to_be_found", "document_type",
    "document_number", "document_key", "updated_at",
)  # fmt: skip


def _register_copied(
    operation: Operation, registrations: Sequence[Registration], recorded_by: object | None
) -> list[NewHousehold]:
    """`_register` with COPY (PostgreSQL): the same rows, no model instance per row.

    Ids come from the tables' sequences first, so members and events are written
    pointing at them without reading anything back. The households returned are
    instances of the rows written (saved, with their ids) for the caller's follow-up.
    """
    by = getattr(recorded_by, "pk", None)
    household_ids = bulk.next_ids(Household, len(registrations))
    person_ids = iter(bulk.next_ids(Person, sum(len(r.members) for r in registrations)))
    bulk.insert_rows(
        Household._meta.db_table,
        HOUSEHOLD_COLUMNS,
        (
            (hid, operation.pk, r.reception_point.pk, r.origin.pk, r.phone, r.destination,
             getattr(r.destination_region, "pk", None), r.destination_address,
             r.registered_at, by, r.idempotency_key)
            for hid, r in zip(household_ids, registrations, strict=True)
        ),
    )  # fmt: skip
    households, persons, events = [], [], []
    now = timezone.now()
    for hid, r in zip(household_ids, registrations, strict=True):
        household = Household(
            pk=hid, operation=operation, reception_point=r.reception_point, origin=r.origin,
            phone=r.phone, destination=r.destination, destination_region=r.destination_region,
            destination_address=r.destination_address, registered_at=r.registered_at,
            registered_by_id=by, idempotency_key=r.idempotency_key,
        )  # fmt: skip
        household._state.adding, household._state.db = False, "default"
        mine = [next(person_ids) for _ in r.members]
        households.append(NewHousehold(household, mine))
        persons.extend(
            (pid, hid, *person_values(m), now) for pid, m in zip(mine, r.members, strict=True)
        )
        events.extend(_events(operation.pk, household, r, mine, recorded_by))
    bulk.insert_rows(Person._meta.db_table, PERSON_COLUMNS, persons)
    record_events(events)
    return households


def person_values(m: MemberData) -> tuple[object, ...]:
    """A member's columns of PERSON_COLUMNS, from given_name to document_key: `_person`'s."""
    return (
        m.given_name.strip(), m.patronymic.strip(), m.family_name.strip(), m.sex,
        m.birth_year, m.birth_month, m.birth_day, "wheelchair" in m.needs, "medical" in m.needs,
        "pregnant" in m.needs, "unaccompanied_minor" in m.needs, "elderly_alone" in m.needs,
        m.consents_to_be_found, m.document_type if m.document_number.strip() else "",
        m.document_number.strip(), document_key(m.document_number),
    )  # fmt: skip


def _events(
    operation_id: int,
    household: Household,
    r: Registration,
    person_ids: Sequence[int],
    recorded_by: object | None,
) -> list[tuple[object, ...]]:
    """Each person's `left_home` and `registered` events."""
    common = {
        "operation_id": operation_id,
        "household_id": household.pk,
        "recorded_by_id": getattr(recorded_by, "pk", None),
    }
    rows = []
    for person_id in person_ids:
        rows.append(
            event(
                kind=Movement.Kind.LEFT_HOME,
                at=r.left_at,
                person_id=person_id,
                mode=r.mode,
                settlement_id=r.origin.pk,
                district_id=r.origin.district_id,
                **common,
            )
        )
        rows.append(
            event(
                kind=Movement.Kind.REGISTERED,
                at=r.registered_at,
                person_id=person_id,
                reception_point_id=r.reception_point.pk,
                destination=r.destination,
                destination_region_id=getattr(r.destination_region, "pk", None),
                **common,
            )
        )
    return rows


def _person(household: Household, m: MemberData) -> Person:
    return Person(
        household=household, **dict(zip(PERSON_COLUMNS[2:-1], person_values(m), strict=True))
    )


class InvalidRegistration(ValueError):
    pass


def _check(r: Registration) -> None:
    if not r.members:
        raise InvalidRegistration("a household needs at least one member")
    if r.destination not in Destination.values:
        raise InvalidRegistration(f"unknown destination {r.destination!r}")
    if r.mode not in Movement.Mode.values:
        raise InvalidRegistration(f"unknown mode {r.mode!r}")
    if r.registered_at < r.left_at:
        raise InvalidRegistration("registered before leaving home")
    for m in r.members:
        if unknown := m.needs - set(NEEDS):
            raise InvalidRegistration(f"unknown needs {sorted(unknown)}")
        if m.document_type and m.document_type not in Person.Document.values:
            raise InvalidRegistration(f"unknown document type {m.document_type!r}")
