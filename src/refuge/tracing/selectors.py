"""Tracing reads, scoped: officers of an operation see its pairs and enquiries only.

Tracing officers and national coordinators see every household of their operation
(`accounts.scope.households_for`); the pairs and matches shown are those whose persons
lie in that scope. Opening a pair, a match or an enquiry is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from refuge.accounts.scope import Actor, OutOfScope, households_for
from refuge.audit.actions import do_record
from refuge.audit.models import AuditEvent
from refuge.core.linkage.households import pair_members
from refuge.interchange.models import PossibleMatch
from refuge.registry.models import Household, Person
from refuge.tracing import keys
from refuge.tracing.actions import PUBLIC_MIN_PROBABILITY, TracingQuery
from refuge.tracing.evidence import Said, against_in_words, in_words
from refuge.tracing.model import desk_model
from refuge.tracing.models import DuplicateCandidate, Enquiry, Merge

A = AuditEvent.Action
QUEUE_LENGTH = 100


def _persons(actor: Actor) -> QuerySet[Person]:
    return Person.objects.filter(household__in=households_for(actor))


def _pairs(actor: Actor) -> QuerySet[DuplicateCandidate]:
    if actor.membership is None:
        return DuplicateCandidate.objects.none()
    mine = _persons(actor).values("pk")
    return DuplicateCandidate.objects.filter(
        operation=actor.membership.operation, left__in=mine, right__in=mine
    )


def open_pairs(actor: Actor) -> list[DuplicateCandidate]:
    return list(
        _pairs(actor)
        .filter(status=DuplicateCandidate.Status.OPEN)
        .select_related("left", "right")
        .order_by("-probability", "pk")[:QUEUE_LENGTH]
    )


def recent_merges(actor: Actor) -> list[Merge]:
    mine = _persons(actor).values("pk")
    return list(
        Merge.objects.filter(kept__in=mine, merged__in=mine)
        .select_related("kept", "merged", "by", "undone_by")
        .order_by("-at", "-pk")[:QUEUE_LENGTH]
    )


def imported_matches(actor: Actor) -> list[PossibleMatch]:
    """Partners' PFIF records that may describe someone registered here."""
    return list(
        PossibleMatch.objects.filter(person__in=_persons(actor).values("pk"))
        .select_related("external", "person")
        .order_by("-score", "pk")[:QUEUE_LENGTH]
    )


@dataclass(frozen=True)
class Side:
    """One registration as the officer compares it: as typed, no phone."""

    person: Person
    settlement: str
    reception_point: str
    registered_at: object
    live_merge: Merge | None


def _side(person: Person) -> Side:
    h = person.household
    merge = Merge.objects.filter(merged=person, undone_at__isnull=True).first()
    return Side(person, h.origin.name_ru, h.reception_point.name, h.registered_at, merge)


def pair_for(actor: Actor, pk: int) -> tuple[DuplicateCandidate, Side, Side]:
    related = ("household__origin", "household__reception_point")
    pair = (
        _pairs(actor)
        .select_related(*(f"{side}__{r}" for side in ("left", "right") for r in related))
        .filter(pk=pk)
        .first()
    )
    if pair is None:
        do_record(actor=actor, action=A.DENIED, object_type="duplicate_pair", object_id=pk)
        raise OutOfScope(pk)
    do_record(
        actor=actor,
        action=A.VIEW_PERSON,
        object_type="duplicate_pair",
        object_id=pk,
        summary=f"compared persons {pair.left_id} and {pair.right_id}",
    )
    return pair, _side(pair.left), _side(pair.right)


def merge_for(actor: Actor, pk: int) -> Merge:
    mine = _persons(actor).values("pk")
    merge = Merge.objects.filter(pk=pk, kept__in=mine, merged__in=mine).first()
    if merge is None:
        raise OutOfScope(pk)
    return merge


def _enquiries(actor: Actor) -> QuerySet[Enquiry]:
    if actor.membership is None:
        return Enquiry.objects.none()
    return Enquiry.objects.filter(
        Q(operation=actor.membership.operation) | Q(operation__isnull=True)
    )


def open_enquiries(actor: Actor) -> list[Enquiry]:
    return list(
        _enquiries(actor).filter(status=Enquiry.Status.OPEN).order_by("received_at", "pk")[:200]
    )


def enquiry_for(actor: Actor, pk: int) -> Enquiry:
    enquiry = _enquiries(actor).filter(pk=pk).first()
    if enquiry is None:
        do_record(actor=actor, action=A.DENIED, object_type="enquiry", object_id=pk)
        raise OutOfScope(pk)
    do_record(actor=actor, action=A.VIEW_PERSON, object_type="enquiry", object_id=pk)
    return enquiry


@dataclass(frozen=True)
class Ranked:
    person: Person
    probability: float
    reasons: str


def enquiry_candidates(actor: Actor, enquiry: Enquiry) -> list[Ranked]:
    """Registered persons who may be the one looked for, best first, within scope."""
    query = TracingQuery(
        family_name=enquiry.family_name,
        given_name=enquiry.given_name,
        patronymic=enquiry.patronymic,
        birth_year=enquiry.birth_year,
        settlement=enquiry.settlement,
    )
    (matches,) = keys.check(
        [query.record()],
        operation_id=enquiry.operation_id,
        limit=10,
        min_probability=PUBLIC_MIN_PROBABILITY / 5,
        catch_up_first=True,
    )
    people = (
        _persons(actor)
        .select_related("household__origin")
        .in_bulk([m.person.person_id for m in matches])
    )
    return [
        Ranked(people[m.person.person_id], m.probability, m.reasons())
        for m in matches
        if m.person.person_id in people
    ]


@dataclass(frozen=True)
class MemberRow:
    """One line of a household merge: a member of each registration, or one alone."""

    left: Person | None
    right: Person | None
    probability: float | None
    said: list[Said]
    against: list[str]


@dataclass(frozen=True)
class HouseholdPairing:
    pair: DuplicateCandidate
    left: Household  # the household of the pair's left person
    right: Household
    rows: list[MemberRow]

    @property
    def members(self) -> list[tuple[int, int]]:
        """(left person, right person) ids of the paired rows."""
        return [(r.left.pk, r.right.pk) for r in self.rows if r.left and r.right]


def household_pairing(actor: Actor, pk: int) -> HouseholdPairing:
    """The pair's two households with their members paired, for merging them at once."""
    pair, left, right = pair_for(actor, pk)
    households = [left.person.household, right.person.household]
    if households[0].pk == households[1].pk:
        raise OutOfScope(pk)  # one household: nothing to merge household-wise
    people = [list(h.members.order_by("pk")) for h in households]
    loaded = {r.person_id: r.record for r in keys.load(p.pk for side in people for p in side)}
    records = [[loaded[p.pk] for p in side] for side in people]  # in the members' order
    matched = pair_members(desk_model(), records[0], records[1])
    rows = [
        MemberRow(
            people[0][m.left],
            people[1][m.right],
            m.probability,
            in_words([[e.comparison, e.level, e.weight] for e in m.evidence]),
            against_in_words(list(m.contradictions)),
        )
        for m in matched
    ]
    alone = [
        MemberRow(p, None, None, [], []) for i, p in enumerate(people[0])
        if i not in {m.left for m in matched}
    ] + [
        MemberRow(None, p, None, [], []) for i, p in enumerate(people[1])
        if i not in {m.right for m in matched}
    ]  # fmt: skip
    do_record(
        actor=actor,
        action=A.VIEW_HOUSEHOLD,
        object_type="household",
        object_id=households[1].pk,
        summary=f"compared with household {households[0].pk} to merge them",
    )
    return HouseholdPairing(pair, households[0], households[1], rows + alone)


@dataclass(frozen=True)
class MergeNote:
    """A live merge as the household page tells it, from one side of it."""

    person_id: int  # the person on the page
    other: Person | None  # None: the other registration is outside the reader's scope
    registered_again: bool  # the other registration is the later one
    kept_here: bool  # this registration is the one kept
    at: object


def merge_notes(actor: Actor, person_ids: list[int]) -> dict[int, list[MergeNote]]:
    """Live merges that involve these persons, each told from the person's side."""
    live = Merge.objects.filter(undone_at__isnull=True).filter(
        Q(kept_id__in=person_ids) | Q(merged_id__in=person_ids)
    )
    visible = set(_persons(actor).filter(
        Q(pk__in=live.values("kept_id")) | Q(pk__in=live.values("merged_id"))
    ).values_list("pk", flat=True))  # fmt: skip
    notes: dict[int, list[MergeNote]] = {}
    for m in live.select_related("kept__household", "merged__household").order_by("at", "pk"):
        for here, other in ((m.kept, m.merged), (m.merged, m.kept)):
            if here.pk in person_ids:
                shown = other if other.pk in visible else None
                again = _registered_order(other) > _registered_order(here)
                note = MergeNote(here.pk, shown, again, here.pk == m.kept_id, m.at)
                notes.setdefault(here.pk, []).append(note)
    return notes


def _registered_order(person: Person) -> tuple[object, int]:
    return (person.household.registered_at, person.pk)
