"""Desk writes: each is one transaction, audited, over the registry and shelter actions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from refuge.accounts.scope import Actor
from refuge.audit.actions import do_record
from refuge.audit.models import AuditEvent
from refuge.desks.duplicates import ShownDuplicate
from refuge.geo.models import Region, Settlement
from refuge.jobs import queue
from refuge.jobs.models import Job
from refuge.movements.models import Movement
from refuge.registry.actions import (
    MemberData,
    Registration,
    do_add_members,
    do_register_household,
)
from refuge.registry.models import Destination, Household, ReceptionPoint
from refuge.shelters.actions import Arrival, do_assign, do_change_status, do_check_in, do_check_out
from refuge.shelters.models import Shelter
from refuge.tracing import keys

A = AuditEvent.Action


class KeyUsedElsewhere(Exception):
    """The submission's idempotency key registered a household at another reception point.

    Answered like a stale page (nothing saved, a fresh key), never with that household.
    """


def do_register_at_desk(
    *,
    actor: Actor,
    origin: Settlement,
    mode: str,
    destination: str,
    members: Sequence[MemberData],
    idempotency_key: uuid.UUID,
    phone: str = "",
    destination_region: Region | None = None,
    destination_address: str = "",
    shelter: Shelter | None = None,
    shown_duplicates: Sequence[ShownDuplicate] = (),
) -> tuple[Household, bool]:
    """Register one household at the actor's reception point, and reserve its shelter places.

    All or nothing: if the shelter is full by now (ShelterRefused), nobody is registered.
    Returns the household and whether this call registered it: a repeated submission
    (same key, also one racing this one) gets the first household and reserves, queues
    and audits nothing again (docs/IDEMPOTENCY.md). The members' blocking keys are
    written with them, so the next desk's check finds them at once; possible duplicates
    the registrar saved despite go to the review queue.
    """
    point = _reception_point(actor)
    now = timezone.now()
    registration = Registration(
        reception_point=point, origin=origin, left_at=now, mode=mode, registered_at=now,
        destination=destination, members=members, destination_region=destination_region,
        destination_address=destination_address, phone=phone, idempotency_key=idempotency_key,
    )  # fmt: skip
    with transaction.atomic():
        household, created = do_register_household(
            operation=point.operation, registration=registration, recorded_by=actor.user
        )
        if not created:
            if household.reception_point_id != point.pk:
                raise KeyUsedElsewhere
            return household, False
        if destination == Destination.SHELTER and shelter is not None:
            do_assign(household=household, shelter=shelter, at=now, recorded_by=actor.user)
        people = keys.index_household(household.pk)
        _queue(point.operation_id, people, shown_duplicates)
        do_record(
            actor=actor,
            action=A.CREATE,
            object_type="household",
            object_id=household.pk,
            summary=f"registered {len(members)} people, destination {destination}",
        )
    return household, True


def do_add_to_household_at_desk(
    *,
    actor: Actor,
    household: Household,
    newcomers: Sequence[MemberData],
    origin: Settlement,
    mode: str,
    shown_duplicates: Sequence[ShownDuplicate] = (),
) -> list[int]:
    """Add people to a family registered earlier at this point ("the same family").

    They get their own ledger events and, if the family holds places in a shelter or
    lives in one, places beside them (ShelterRefused if it has no room: nobody added).
    `shown_duplicates` index `newcomers`; their pairs go to the review queue.
    """
    point = _reception_point(actor)
    now = timezone.now()
    with transaction.atomic():
        persons = do_add_members(
            household=household, members=newcomers, origin=origin, mode=mode, left_at=now,
            registered_at=now, reception_point=point, recorded_by=actor.user,
        )  # fmt: skip
        if shelter := family_shelter(household):
            do_assign(
                household=household, shelter=shelter, at=now, recorded_by=actor.user,
                members=persons,
            )  # fmt: skip
        keys.index_household(household.pk)
        _queue(point.operation_id, [p.pk for p in persons], shown_duplicates)
        do_record(
            actor=actor,
            action=A.CHANGE,
            object_type="household",
            object_id=household.pk,
            summary=f"added {len(persons)} people who arrived later"
            + (f", places reserved in shelter {shelter.pk}" if shelter else ""),
        )
    return [p.pk for p in persons]


def family_shelter(household: Household) -> Shelter | None:
    """The shelter holding places for the family or housing it, if any."""
    K = Movement.Kind
    last = (
        Movement.objects.effective()
        .filter(household=household, kind__in=(K.ASSIGNED, K.RELEASED, K.CHECKED_IN, K.CHECKED_OUT))
        .select_related("shelter")
        .order_by("-at", "-pk")
        .first()
    )
    return last.shelter if last is not None and last.kind in (K.ASSIGNED, K.CHECKED_IN) else None


def _reception_point(actor: Actor) -> ReceptionPoint:
    membership = actor.membership
    assert membership is not None and membership.reception_point is not None
    return membership.reception_point


def _queue(operation_id: int, people: Sequence[int], shown: Sequence[ShownDuplicate]) -> None:
    keys.queue_for_review(
        operation_id,
        [
            keys.ReviewPair(people[d.member_index], d.person_id, d.probability, d.evidence)
            for d in shown
        ],
    )


def do_desk_check_in(*, actor: Actor, household: Household, shelter: Shelter) -> None:
    with transaction.atomic():
        do_check_in(
            [Arrival(household=household, shelter=shelter, at=timezone.now(), reserved=True)],
            recorded_by=actor.user,
        )
        do_record(
            actor=actor,
            action=A.CHANGE,
            object_type="household",
            object_id=household.pk,
            summary=f"checked in at shelter {shelter.pk}",
        )


def do_desk_check_out(*, actor: Actor, household: Household, shelter: Shelter, to: str) -> None:
    with transaction.atomic():
        do_check_out(
            household=household, shelter=shelter, at=timezone.now(), to=to, recorded_by=actor.user
        )
        do_record(
            actor=actor,
            action=A.CHANGE,
            object_type="household",
            object_id=household.pk,
            summary=f"checked out of shelter {shelter.pk} to {to}",
        )


def do_desk_change_status(
    *, actor: Actor, shelter: Shelter, status: str, capacity: int, reason: str
) -> None:
    with transaction.atomic():
        do_change_status(
            shelter=shelter,
            status=status,
            capacity=capacity,
            reason=reason,
            at=timezone.now(),
            recorded_by=actor.user,
        )
        do_record(
            actor=actor,
            action=A.CHANGE,
            object_type="shelter",
            object_id=shelter.pk,
            summary=f"status {status}, {capacity} places",
        )


def do_queue_export(
    *, actor: Actor, export: str, fmt: str, filters: dict[str, Any], rows: int, lang: str
) -> Job:
    """Queue a list too long for one request as a `desks.export` job (desks/jobs.py) for
    this coordinator, and audit the asking; the download is audited when it happens."""
    m = actor.membership
    assert m is not None
    with transaction.atomic():
        job = queue.enqueue(
            "desks.export",
            {"export": export, "fmt": fmt, "filters": filters, "user": actor.user.pk,  # type: ignore[attr-defined]
             "membership": m.pk, "operation": m.operation_id, "lang": lang},
            total=rows,
            created_by=actor.user,
        )  # fmt: skip
        do_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type="export_job",
            object_id=job.pk,
            summary=f"asked for the {export} list as {fmt} ({rows} rows) as job {job.pk}",
        )
    return job
