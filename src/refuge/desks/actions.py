"""Desk writes: each is one transaction, audited, over the registry and shelter actions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from refuge.accounts.scope import Actor
from refuge.audit.actions import do_record
from refuge.audit.models import AuditEvent
from refuge.desks.duplicates import ShownDuplicate
from refuge.geo.models import Region, Settlement
from refuge.registry.actions import MemberData, Registration, do_register_households
from refuge.registry.models import Destination, Household
from refuge.shelters.actions import Arrival, do_assign, do_change_status, do_check_in, do_check_out
from refuge.shelters.models import Shelter
from refuge.tracing import keys

A = AuditEvent.Action


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
) -> Household:
    """Register one household at the actor's reception point, and reserve its shelter places.

    All or nothing: if the shelter is full by now (ShelterRefused), nobody is registered.
    A repeated submission (same key) returns the household registered the first time.
    The members' blocking keys are written with them, so the next desk's check finds
    them at once; possible duplicates the registrar saved despite go to the review queue.
    """
    membership = actor.membership
    assert membership is not None and membership.reception_point is not None
    now = timezone.now()
    with transaction.atomic():
        earlier = Household.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier
        (household,) = do_register_households(
            operation=membership.operation,
            registrations=[
                Registration(
                    reception_point=membership.reception_point,
                    origin=origin,
                    left_at=now,
                    mode=mode,
                    registered_at=now,
                    destination=destination,
                    members=members,
                    destination_region=destination_region,
                    destination_address=destination_address,
                    phone=phone,
                    idempotency_key=idempotency_key,
                )
            ],
            recorded_by=actor.user,
        )
        if destination == Destination.SHELTER and shelter is not None:
            do_assign(household=household, shelter=shelter, at=now, recorded_by=actor.user)
        people = keys.index_household(household.pk)
        keys.queue_for_review(
            membership.operation.pk,
            [
                keys.ReviewPair(people[d.member_index], d.person_id, d.probability, d.evidence)
                for d in shown_duplicates
            ],
        )
        do_record(
            actor=actor,
            action=A.CREATE,
            object_type="household",
            object_id=household.pk,
            summary=f"registered {len(members)} people, destination {destination}",
        )
    return household


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
