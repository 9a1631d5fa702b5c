"""Placement writes: plans proposed and accepted, shelters closed or opened, stale
reservations released. Each is one transaction that writes its audit entry; places are
taken and given back only through the shelter actions, whose conditional UPDATEs refuse
what a concurrent desk took first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from refuge.accounts.models import Role
from refuge.accounts.scope import Actor
from refuge.audit.actions import do_record
from refuge.audit.models import AuditEvent
from refuge.core import placement as engine
from refuge.core.placement.distance import haversine_km
from refuge.jobs import queue
from refuge.jobs.models import Job
from refuge.movements.models import Movement
from refuge.placement import selectors
from refuge.placement.models import PlacementPlan, PlanRow
from refuge.placement.services import (
    distance_km,
    household_need,
    plan_for_waiting,
    shelter_offer,
)
from refuge.registry.models import Household
from refuge.shelters.actions import (
    Arrival,
    ShelterRefused,
    do_assign,
    do_change_status,
    do_check_in,
    do_check_out,
    do_release,
)
from refuge.shelters.models import Shelter, ShelterChange, Status

A = AuditEvent.Action
P = PlacementPlan
#: A plan older than this is not accepted: the waiting list and free places have moved on.
PLAN_LIFETIME = timedelta(hours=1)


class PlanNotOpen(Exception):
    """The plan was accepted already, or has expired: make a new one."""


class ShelterNotClosable(ValueError):
    pass


class ShelterNotStandby(ValueError):
    pass


def _region_of(actor: Actor):  # type: ignore[no-untyped-def]
    m = actor.membership
    return m.region if m is not None and m.role == Role.REGIONAL_COORDINATOR else None


def _expire_earlier(actor: Actor, kind: str, **match: object) -> None:
    selectors.plans_for(actor).filter(
        kind=kind, status=P.Status.PROPOSED, region=_region_of(actor), **match
    ).update(status=P.Status.EXPIRED)


#: progress(done, total, what): the stages of a plan, for the job page and the command line
Stages = Callable[[int, int, str], None]
PLAN_STAGES = 3


def do_propose_plan(*, actor: Actor, progress: Stages | None = None) -> PlacementPlan:
    """Plan places for every waiting household in the actor's scope; nothing is reserved yet."""
    step = progress or (lambda done, total, what: None)
    now = timezone.now()
    waiting = selectors.waiting_households(actor)
    shelters = selectors.open_shelters(actor)
    free = sum(s.free for s in shelters)
    step(1, PLAN_STAGES, f"{len(waiting)} households waiting, {free} free places in "
         f"{len(shelters)} open shelters")  # fmt: skip
    batch = plan_for_waiting(waiting, shelters)
    step(2, PLAN_STAGES, f"placed {batch.placement.stats.placed_persons} of "
         f"{batch.placement.stats.persons} persons ({batch.placement.stats.method})")  # fmt: skip
    by_pk = {str(s.pk): s for s in shelters}
    stats, fcfs = batch.placement.stats, batch.first_come.stats
    with transaction.atomic():
        _expire_earlier(actor, P.Kind.WAITING)
        plan = PlacementPlan.objects.create(
            operation=actor.membership.operation,  # type: ignore[union-attr]
            kind=P.Kind.WAITING,
            region=_region_of(actor),
            placed_persons=stats.placed_persons,
            unplaced_persons=stats.persons - stats.placed_persons,
            person_km=stats.person_km,
            fcfs_placed_persons=fcfs.placed_persons,
            fcfs_person_km=fcfs.person_km,
            method=stats.method[:60],
            created_at=now,
            created_by=actor.user,
        )
        rows = []
        for h in waiting:
            key = str(h.pk)
            target = by_pk.get(batch.placement.shelter_of(key) or "")
            first_come = by_pk.get(batch.first_come.shelter_of(key) or "")
            rows.append(
                PlanRow(
                    plan=plan,
                    household=h,
                    shelter=target,
                    fcfs_shelter=first_come,
                    persons=len(h.members.all()),
                    km=distance_km(h, target) if target else None,
                    unplaced_reason="" if target else batch.unplaced_reasons.get(key, "needs"),
                )
            )
        PlanRow.objects.bulk_create(rows)
        do_record(
            actor=actor,
            action=A.CREATE,
            object_type="placement_plan",
            object_id=plan.pk,
            summary=f"plan for {len(waiting)} waiting households: {stats.placed_persons} of "
            f"{stats.persons} persons placed, {stats.person_km:.0f} person-km",
        )
    step(3, PLAN_STAGES, f"plan {plan.pk} saved: {len(rows)} households")
    return plan


def do_queue_plan(*, actor: Actor) -> Job:
    """Queue the plan for every waiting household as a `placement.propose` job (the
    page's button): a whole queue is planned by a worker, not in the request."""
    m = actor.membership
    assert m is not None
    with transaction.atomic():
        job = queue.enqueue(
            "placement.propose",
            {"user": actor.user.pk, "membership": m.pk, "operation": m.operation_id},  # type: ignore[attr-defined]
            total=PLAN_STAGES,
            created_by=actor.user,
        )
        do_record(
            actor=actor,
            action=A.CREATE,
            object_type="placement_job",
            object_id=job.pk,
            summary=f"asked for a plan for every waiting household as job {job.pk}",
        )
    return job


@dataclass(frozen=True)
class Accepted:
    plan: PlacementPlan
    done: list[PlanRow]
    skipped: list[PlanRow]
    closed: bool = False


def _take_plan(actor: Actor, plan: PlacementPlan, kind: str, now: datetime) -> None:
    """Mark the plan accepted, once: a second click or a second coordinator is refused."""
    taken = PlacementPlan.objects.filter(pk=plan.pk, kind=kind, status=P.Status.PROPOSED).update(
        status=P.Status.ACCEPTED, decided_at=now, decided_by=actor.user
    )
    if not taken:
        raise PlanNotOpen(plan.pk)


def _skip(row: PlanRow, note: str) -> None:
    row.outcome, row.outcome_note = PlanRow.Outcome.SKIPPED, note


def do_accept_plan(*, actor: Actor, plan: PlacementPlan) -> Accepted:
    """Reserve places for every planned household, in one transaction.

    A household that holds places by now (another desk or plan took it), or whose shelter
    filled up meanwhile, is skipped and reported; the others keep their places.
    """
    now = timezone.now()
    _expire_if_old_outside_transaction(plan, now)
    with transaction.atomic():
        _take_plan(actor, plan, P.Kind.WAITING, now)
        rows = list(
            plan.rows.filter(shelter__isnull=False)
            .select_related("household", "shelter")
            .order_by("shelter_id", "pk")  # one order for every plan: no deadlocks
        )
        ids = sorted({r.household_id for r in rows})
        # Hold the households: a second plan over the same ones waits, then sees them placed.
        list(Household.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
        held = selectors.holders(Household.objects.filter(pk__in=ids))
        done, skipped = [], []
        for row in rows:
            if row.household_id in held:
                _skip(row, "holds places already: taken meanwhile")
            elif row.household.members.count() != row.persons:
                _skip(row, "household changed since the plan")
            else:
                try:
                    with transaction.atomic():
                        do_assign(
                            household=row.household,
                            shelter=row.shelter,
                            at=now,
                            recorded_by=actor.user,
                        )
                    row.outcome = PlanRow.Outcome.DONE
                except ShelterRefused:
                    _skip(row, "the shelter filled up meanwhile")
            (done if row.outcome == PlanRow.Outcome.DONE else skipped).append(row)
        PlanRow.objects.bulk_update(rows, ["outcome", "outcome_note"])
        persons = sum(r.persons for r in done)
        plan.outcome = (
            f"{len(done)} households ({persons} persons) reserved, {len(skipped)} skipped"
        )
        PlacementPlan.objects.filter(pk=plan.pk).update(outcome=plan.outcome)
        do_record(
            actor=actor,
            action=A.CHANGE,
            object_type="placement_plan",
            object_id=plan.pk,
            summary=f"accepted: {plan.outcome}",
        )
    plan.refresh_from_db()
    return Accepted(plan, done, skipped)


def _expire_if_old_outside_transaction(plan: PlacementPlan, now: datetime) -> None:
    # The expiry must stick even though acceptance then fails and rolls back.
    if plan.status == P.Status.PROPOSED and plan.created_at < now - PLAN_LIFETIME:
        PlacementPlan.objects.filter(pk=plan.pk, status=P.Status.PROPOSED).update(
            status=P.Status.EXPIRED
        )
        raise PlanNotOpen(plan.pk)


def do_propose_closure(*, actor: Actor, shelter: Shelter, reason: str) -> PlacementPlan:
    """The moves that would empty a shelter: families whole, fewest moves, least distance."""
    if shelter.status == Status.CLOSED:
        raise ShelterNotClosable(shelter.pk)
    now = timezone.now()
    occupants = selectors.occupants(shelter)
    targets = [s for s in selectors.open_shelters(actor) if s.pk != shelter.pk]
    keys = [f"{o.household.pk}:{int(o.expected)}" for o in occupants]
    needs = [
        replace(household_need(o.household, o.people), household_id=key)
        for o, key in zip(occupants, keys, strict=True)
    ]
    relocation = engine.relocate_from_closing_shelter(
        shelter_offer(shelter),
        needs,
        [shelter_offer(s) for s in targets],
        {str(s.pk): s.free for s in targets},
    )
    to = {m.household_id: m.to_shelter_id for m in relocation.moves}
    by_pk = {str(s.pk): s for s in targets}
    with transaction.atomic():
        _expire_earlier(actor, P.Kind.CLOSURE, closing_shelter=shelter)
        plan = PlacementPlan.objects.create(
            operation=shelter.operation,
            kind=P.Kind.CLOSURE,
            region=_region_of(actor),
            closing_shelter=shelter,
            reason=reason,
            placed_persons=relocation.persons_moved,
            unplaced_persons=relocation.persons_stranded,
            person_km=relocation.transfer_person_km,
            method="relocate_from_closing_shelter",
            created_at=now,
            created_by=actor.user,
        )
        rows = []
        for o, key in zip(occupants, keys, strict=True):
            target = by_pk.get(to.get(key, ""))
            rows.append(
                PlanRow(
                    plan=plan,
                    household=o.household,
                    shelter=target,
                    persons=len(o.people),
                    km=_km(shelter, target) if target else None,
                    reserved_only=o.expected,
                    unplaced_reason="" if target else "full",
                )
            )
        PlanRow.objects.bulk_create(rows)
        do_record(
            actor=actor,
            action=A.CREATE,
            object_type="placement_plan",
            object_id=plan.pk,
            summary=f"closure of shelter {shelter.pk}: {relocation.persons_moved} persons to "
            f"move, {relocation.persons_stranded} with nowhere to go",
        )
    return plan


def _km(a: Shelter, b: Shelter) -> float:
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def do_accept_closure(*, actor: Actor, plan: PlacementPlan) -> Accepted:
    """Move every household of the plan, then close the shelter if nobody is left in it.

    Each move is a check-out to another shelter and a check-in at the target (a reservation
    is released and taken again at the target); a move the target can no longer take is
    skipped, and the shelter then stays open with those households in it.
    """
    now = timezone.now()
    _expire_if_old_outside_transaction(plan, now)
    with transaction.atomic():
        _take_plan(actor, plan, P.Kind.CLOSURE, now)
        closing = Shelter.objects.select_for_update().get(pk=plan.closing_shelter_id)
        if closing.status == Status.CLOSED:
            raise PlanNotOpen(plan.pk)
        there = {(o.household.pk, o.expected): o.people for o in selectors.occupants(closing)}
        rows = list(
            plan.rows.filter(shelter__isnull=False)
            .select_related("household", "shelter")
            .order_by("shelter_id", "pk")
        )
        for row in rows:
            people = there.get((row.household_id, row.reserved_only))
            if not people or len(people) != row.persons:
                _skip(row, "changed since the preview")
                continue
            try:
                with transaction.atomic():
                    _move(actor, row, closing, people, now)
                row.outcome = PlanRow.Outcome.DONE
            except ShelterRefused:
                _skip(row, "the target shelter filled up meanwhile")
        PlanRow.objects.bulk_update(rows, ["outcome", "outcome_note"])
        done = [r for r in rows if r.outcome == PlanRow.Outcome.DONE]
        skipped = [r for r in rows if r.outcome != PlanRow.Outcome.DONE]
        closed = not selectors.occupants(closing)
        if closed:
            do_change_status(
                shelter=closing,
                status=Status.CLOSED,
                at=now,
                reason=plan.reason,
                recorded_by=actor.user,
            )
        left = plan.unplaced_persons + sum(r.persons for r in skipped)
        plan.outcome = f"{len(done)} households moved; " + (
            "shelter closed" if closed else f"not closed: {left} persons remain"
        )
        PlacementPlan.objects.filter(pk=plan.pk).update(outcome=plan.outcome)
        do_record(
            actor=actor,
            action=A.CHANGE,
            object_type="shelter",
            object_id=closing.pk,
            summary=f"closure plan {plan.pk} accepted: {plan.outcome}",
        )
    plan.refresh_from_db()
    return Accepted(plan, done, skipped, closed)


def _move(actor: Actor, row: PlanRow, closing: Shelter, people: list, now: datetime) -> None:  # type: ignore[type-arg]
    household, target = row.household, row.shelter
    assert target is not None
    if row.reserved_only:
        do_release(household=household, shelter=closing, at=now, recorded_by=actor.user)
        do_assign(household=household, shelter=target, at=now, recorded_by=actor.user)
        return
    do_check_out(
        household=household,
        shelter=closing,
        at=now,
        to=Movement.CheckOutTo.OTHER_SHELTER,
        members=people,
        recorded_by=actor.user,
    )
    do_check_in(
        [Arrival(household=household, shelter=target, at=now, members=people)],
        recorded_by=actor.user,
    )


def do_open_standby_shelter(*, actor: Actor, shelter: Shelter, reason: str) -> ShelterChange:
    now = timezone.now()
    with transaction.atomic():
        locked = Shelter.objects.select_for_update().get(pk=shelter.pk)
        if locked.status != Status.STANDBY:
            raise ShelterNotStandby(shelter.pk)
        change = do_change_status(
            shelter=locked, status=Status.OPEN, at=now, reason=reason, recorded_by=actor.user
        )
        do_record(
            actor=actor,
            action=A.CHANGE,
            object_type="shelter",
            object_id=shelter.pk,
            summary=f"standby shelter opened, {locked.capacity} places",
        )
    shelter.status = locked.status
    return change


@dataclass(frozen=True)
class Released:
    household: Household
    shelter: Shelter
    persons: int


def do_release_stale_reservations(
    *, older_than: timedelta, now: datetime | None = None
) -> list[Released]:
    """Give back places reserved before now − older_than for households that never came."""
    now = now or timezone.now()
    out = []
    for household, shelter in selectors.stale_reservations(now - older_than):
        with transaction.atomic():
            Shelter.objects.select_for_update().filter(pk=shelter.pk).first()
            # Counted again under the lock: a concurrent run or a check-in may have come first.
            if not selectors.stale_reservations(
                now - older_than, household=household, shelter=shelter
            ):
                continue
            n = household.members.count()
            do_release(household=household, shelter=shelter, at=now)
            do_record(
                actor=Actor(user=None, membership=None),
                action=A.CHANGE,
                object_type="household",
                object_id=household.pk,
                summary=f"places at shelter {shelter.pk} released: not checked in within "
                f"{older_than.total_seconds() / 3600:g} h",
            )
        out.append(Released(household, shelter, n))
    return out
