"""Scoped reads for placement: who is waiting, who is in a shelter, which plans one may see.

Every read starts from accounts.scope, so a regional coordinator sees their region only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Value, When

from refuge.accounts.scope import Actor, OutOfScope, households_for, shelters_for
from refuge.audit.actions import do_record
from refuge.audit.models import AuditEvent
from refuge.desks.selectors import shelters_table
from refuge.jobs.models import Job
from refuge.movements.models import Movement
from refuge.placement.models import PlacementPlan, PlanRow
from refuge.placement.services import distance_km
from refuge.registry.models import Destination, Household, Person
from refuge.shelters.models import Shelter, Status

A = AuditEvent.Action
K = Movement.Kind


def _place_counts(households: QuerySet[Household]) -> QuerySet:  # type: ignore[type-arg]
    """Per household and shelter: persons assigned, released, checked in and out."""
    return (
        Movement.objects.effective()
        .filter(household__in=households, shelter__isnull=False)
        .values("household_id", "shelter_id")
        .annotate(
            assigned=Count("id", filter=Q(kind=K.ASSIGNED)),
            released=Count("id", filter=Q(kind=K.RELEASED)),
            inn=Count("id", filter=Q(kind=K.CHECKED_IN)),
            out=Count("id", filter=Q(kind=K.CHECKED_OUT)),
            gone=Count(
                "id",
                filter=Q(kind=K.CHECKED_OUT) & ~Q(destination=Movement.CheckOutTo.OTHER_SHELTER),
            ),
        )
    )


def holders(households: QuerySet[Household]) -> set[int]:
    """Households that hold places somewhere: reserved and not released or used, or inside."""
    return {
        r["household_id"]
        for r in _place_counts(households)
        if r["assigned"] - r["released"] - r["inn"] > 0 or r["inn"] - r["out"] > 0
    }


def waiting_households(actor: Actor) -> list[Household]:
    """Households bound for a shelter that hold no places, in registration order.

    One that stayed in a shelter and left it for relatives, home or hospital is not waiting.
    """
    bound = households_for(actor).filter(destination=Destination.SHELTER)
    rows = list(_place_counts(bound))
    held = {
        r["household_id"]
        for r in rows
        if r["assigned"] - r["released"] - r["inn"] > 0 or r["inn"] - r["out"] > 0
    }
    left = {r["household_id"] for r in rows if r["gone"] > 0}
    return list(
        bound.exclude(pk__in=held | left)
        .select_related("origin")
        .prefetch_related("members")
        .order_by("registered_at", "pk")
    )


def open_shelters(actor: Actor) -> list[Shelter]:
    """Open shelters in scope; their free places are read now."""
    return list(shelters_for(actor).filter(status=Status.OPEN).select_related("region"))


def standby_shelters(actor: Actor) -> list[Shelter]:
    return list(shelters_for(actor).filter(status=Status.STANDBY).select_related("region"))


#: the columns the standby list sorts by; "recommended" is the order to open them in
STANDBY_COLUMNS = {
    "recommended": ("recommended_rank", "name"),
    "name": ("name",),
    "region": ("region__code", "name"),
    "capacity": ("capacity", "name"),
}


def standby_table(actor: Actor, recommended: list[int], *, text: str = "") -> QuerySet[Shelter]:
    """Standby shelters in scope, ranked by `recommended` (the shelters to open first)."""
    rank = Case(
        *(When(pk=pk, then=Value(i)) for i, pk in enumerate(recommended)),
        default=Value(len(recommended)),
        output_field=IntegerField(),
    )
    return shelters_table(actor, status=Status.STANDBY, text=text).annotate(recommended_rank=rank)


@dataclass(frozen=True)
class Occupants:
    household: Household
    #: the persons holding places here: inside (or, when expected, reserved)
    people: list[Person]
    expected: bool


def occupants(shelter: Shelter) -> list[Occupants]:
    """Households inside a shelter, and those expected (places reserved), person by person.

    A person is inside when checked in more often than out; expected when their latest event
    here is an assignment.
    """
    inside: dict[int, int] = defaultdict(int)
    latest: dict[int, str] = {}
    household_of: dict[int, int] = {}
    for person_id, household_id, kind in (
        Movement.objects.effective()
        .filter(shelter=shelter, kind__in=(K.ASSIGNED, K.RELEASED, K.CHECKED_IN, K.CHECKED_OUT))
        .order_by("at", "pk")
        .values_list("person_id", "household_id", "kind")
    ):
        household_of[person_id] = household_id
        if kind == K.CHECKED_IN:
            inside[person_id] += 1
        elif kind == K.CHECKED_OUT:
            inside[person_id] -= 1
        if kind != K.CHECKED_OUT:
            latest[person_id] = kind
    holding: dict[tuple[int, bool], list[int]] = defaultdict(list)
    for person_id, household_id in household_of.items():
        if inside[person_id] > 0:
            holding[(household_id, False)].append(person_id)
        elif latest.get(person_id) == K.ASSIGNED:
            holding[(household_id, True)].append(person_id)
    households = Household.objects.in_bulk({h for h, _ in holding})
    people = Person.objects.in_bulk([p for ps in holding.values() for p in ps])
    return [
        Occupants(households[h], [people[p] for p in sorted(ps)], expected)
        for (h, expected), ps in sorted(holding.items())
    ]


def plans_for(actor: Actor) -> QuerySet[PlacementPlan]:
    """Plans made within the actor's scope: the whole operation, or their region."""
    m = actor.membership
    if m is None:
        return PlacementPlan.objects.none()
    mine = PlacementPlan.objects.filter(operation=m.operation)
    if m.region_id is not None and actor.role != "national_coordinator":
        return mine.filter(region_id=m.region_id)
    return mine


def plan_job_for(actor: Actor, pk: int) -> Job:
    """A `placement.propose` job this coordinator asked for; anyone else's is OutOfScope."""
    job = Job.objects.filter(
        pk=pk, kind="placement.propose", created_by_id=getattr(actor.user, "pk", None)
    ).first()
    if job is None:
        do_record(actor=actor, action=A.DENIED, object_type="placement_job", object_id=pk)
        raise OutOfScope(pk)
    return job


def plan_for(actor: Actor, pk: int) -> PlacementPlan:
    plan = plans_for(actor).select_related("closing_shelter").filter(pk=pk).first()
    if plan is None:
        do_record(actor=actor, action=A.DENIED, object_type="placement_plan", object_id=pk)
        raise OutOfScope(pk)
    do_record(
        actor=actor,
        action=A.VIEW_HOUSEHOLD,
        object_type="placement_plan",
        object_id=pk,
        summary=f"{plan.kind} plan, {plan.rows.count()} households",
    )
    return plan


def stale_reservations(
    cutoff: datetime, *, household: Household | None = None, shelter: Shelter | None = None
) -> list[tuple[Household, Shelter]]:
    """(household, shelter) whose places are still reserved, unused, since before cutoff."""
    events = Movement.objects.effective().filter(shelter__isnull=False)
    if household is not None:
        events = events.filter(household=household)
    if shelter is not None:
        events = events.filter(shelter=shelter)
    rows = (
        events.values("household_id", "shelter_id")
        .annotate(
            assigned=Count("id", filter=Q(kind=K.ASSIGNED)),
            released=Count("id", filter=Q(kind=K.RELEASED)),
            inn=Count("id", filter=Q(kind=K.CHECKED_IN)),
            last_assigned=Max("at", filter=Q(kind=K.ASSIGNED)),
        )
        .filter(last_assigned__lte=cutoff)
        .order_by("last_assigned", "household_id")
    )
    pairs = [
        (r["household_id"], r["shelter_id"])
        for r in rows
        if r["assigned"] - r["released"] - r["inn"] > 0
    ]
    households = Household.objects.in_bulk({h for h, _ in pairs})
    shelters = Shelter.objects.in_bulk({s for _, s in pairs})
    return [(households[h], shelters[s]) for h, s in pairs]


@dataclass(frozen=True)
class ShelterLine:
    shelter: Shelter
    households: int
    persons: int
    person_km: float


@dataclass(frozen=True)
class Comparison:
    shelter: Shelter
    plan: ShelterLine | None
    first_come: ShelterLine | None


@dataclass(frozen=True)
class PlanView:
    plan: PlacementPlan
    by_shelter: list[Comparison]
    unplaced: list[PlanRow]
    rows: list[PlanRow]

    @property
    def fcfs_unplaced_persons(self) -> int:
        return sum(r.persons for r in self.rows if r.fcfs_shelter_id is None)


def plan_view(plan: PlacementPlan) -> PlanView:
    """A plan as the coordinator reviews it: per shelter, what is left out and why."""
    rows = list(plan.rows.select_related("household__origin", "shelter", "fcfs_shelter"))

    def lines(attr: str, km_of) -> dict[int, ShelterLine]:  # type: ignore[no-untyped-def]
        acc: dict[int, list] = {}  # type: ignore[type-arg]
        for r in rows:
            s = getattr(r, attr)
            if s is not None:
                a = acc.setdefault(s.pk, [s, 0, 0, 0.0])
                a[1], a[2], a[3] = a[1] + 1, a[2] + r.persons, a[3] + r.persons * km_of(r, s)
        return {pk: ShelterLine(*a) for pk, a in acc.items()}

    planned = lines("shelter", lambda r, s: r.km or 0.0)
    fcfs = lines("fcfs_shelter", lambda r, s: distance_km(r.household, s))
    return PlanView(
        plan=plan,
        by_shelter=sorted(
            (
                Comparison((planned.get(pk) or fcfs[pk]).shelter, planned.get(pk), fcfs.get(pk))
                for pk in planned.keys() | fcfs.keys()
            ),
            key=lambda c: (c.shelter.name, c.shelter.pk),
        ),
        unplaced=[r for r in rows if r.shelter_id is None],
        rows=rows,
    )
