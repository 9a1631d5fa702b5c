"""Tracing writes: each one transaction, with its audit entry.

Nothing here deletes a person. A merge is a `Merge` row saying one registration is the
same person as another; undoing it stamps the row and reopens the pair.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from refuge.accounts.scope import Actor
from refuge.audit.actions import do_record
from refuge.audit.models import AuditEvent
from refuge.core.linkage.engine import (
    AUTO_MERGE_PROBABILITY,
    REVIEW_PROBABILITY,
    Decision,
    RefugeLinker,
    ScoredPair,
)
from refuge.core.linkage.households import household_pairs
from refuge.core.linkage.records import BirthDate, PersonRecord
from refuge.limits.references import do_give_reference
from refuge.limits.store import Limit, take
from refuge.operations.models import Operation
from refuge.registry.models import Household, Person
from refuge.tracing import keys
from refuge.tracing.models import DuplicateCandidate, Enquiry, HouseholdMerge, Merge

A = AuditEvent.Action
PUBLIC_SEARCH = "public_search"
SEARCH_WINDOW = timedelta(minutes=10)
SEARCHES_PER_ADDRESS = Limit("search-address", 10, SEARCH_WINDOW)
SEARCHES_PER_ACCOUNT = Limit("search-account", 10, SEARCH_WINDOW)
PUBLIC_MIN_PROBABILITY = 0.5  # the review threshold of docs/LINKAGE.md
MOST_CANDIDATES = 5  # more than this above the threshold: the query is too vague


class DecisionRefused(Exception):
    """The pair or merge is not in a state that allows this (already decided, undone…)."""


def do_merge(*, actor: Actor, candidate: DuplicateCandidate, kept: Person, reason: str) -> Merge:
    """Mark the other side of `candidate` as the same person as `kept`."""
    with transaction.atomic():
        pair = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
        if pair.status != DuplicateCandidate.Status.OPEN or kept.pk not in (
            pair.left_id,
            pair.right_id,
        ):
            raise DecisionRefused
        merged_id = pair.right_id if kept.pk == pair.left_id else pair.left_id
        if Merge.objects.filter(
            merged_id__in=(merged_id, kept.pk), undone_at__isnull=True
        ).exists():
            raise DecisionRefused  # one side is already merged into someone else
        now = timezone.now()
        merge = Merge.objects.create(
            kept=kept, merged_id=merged_id, candidate=pair, by=_user(actor), at=now, reason=reason
        )
        _decide(pair, DuplicateCandidate.Status.MERGED, actor, now)
        do_record(
            actor=actor,
            action=A.CHANGE,
            object_type="person",
            object_id=merged_id,
            summary=f"merged into person {kept.pk} (pair {pair.pk}, p={pair.probability:.3f})",
        )
    return merge


def do_keep_apart(*, actor: Actor, candidate: DuplicateCandidate, reason: str) -> None:
    with transaction.atomic():
        pair = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
        if pair.status != DuplicateCandidate.Status.OPEN:
            raise DecisionRefused
        _decide(pair, DuplicateCandidate.Status.KEPT_APART, actor, timezone.now())
        do_record(
            actor=actor,
            action=A.CHANGE,
            object_type="duplicate_pair",
            object_id=pair.pk,
            summary=f"kept apart persons {pair.left_id} and {pair.right_id}",
        )


def do_undo_merge(*, actor: Actor, merge: Merge) -> None:
    """Undo a merge; the row stays with who undid it, and the pair is open again.

    A merge made as part of a household merge undoes the whole household merge.
    """
    with transaction.atomic():
        live = Merge.objects.select_for_update().get(pk=merge.pk)
        if live.undone_at is not None:
            raise DecisionRefused
        if live.household_merge_id is not None:
            _undo_household_merge(actor, live.household_merge_id)
        else:
            _undo(actor, live, timezone.now())


def _undo(actor: Actor, live: Merge, now) -> None:  # type: ignore[no-untyped-def]
    live.undone_at = now
    live.undone_by = _user(actor)
    live.save(update_fields=["undone_at", "undone_by"])
    if live.candidate_id is not None:
        DuplicateCandidate.objects.filter(pk=live.candidate_id).update(
            status=DuplicateCandidate.Status.OPEN, decided_at=None, decided_by=None
        )
    do_record(
        actor=actor,
        action=A.CHANGE,
        object_type="person",
        object_id=live.merged_id,
        summary=f"merge into person {live.kept_id} undone (merge {live.pk})",
    )


def _undo_household_merge(actor: Actor, pk: int) -> None:
    now = timezone.now()
    household_merge = HouseholdMerge.objects.select_for_update().get(pk=pk)
    household_merge.undone_at = now
    household_merge.undone_by = _user(actor)
    household_merge.save(update_fields=["undone_at", "undone_by"])
    for live in household_merge.merges.select_for_update().filter(undone_at__isnull=True):
        _undo(actor, live, now)


def do_merge_households(
    *,
    actor: Actor,
    kept: Household,
    merged: Household,
    members: Sequence[tuple[int, int]],
    reason: str,
) -> HouseholdMerge:
    """Merge two registrations of one family: each (kept person, merged person) at once.

    All or nothing, one audit entry per person merged; undone as one (`do_undo_merge`
    on any of its merges). The pairs of the queue between those persons are decided.
    """
    kept_ids = set(kept.members.values_list("pk", flat=True))
    merged_ids = set(merged.members.values_list("pk", flat=True))
    if kept.pk == merged.pk or not members:
        raise DecisionRefused
    for a, b in members:
        if a not in kept_ids or b not in merged_ids:
            raise DecisionRefused
    with transaction.atomic():
        everyone = [i for pair in members for i in pair]
        if (
            Merge.objects.select_for_update()
            .filter(merged_id__in=everyone, undone_at__isnull=True)
            .exists()
        ):
            raise DecisionRefused  # someone was merged meanwhile: the officer looks again
        now = timezone.now()
        household_merge = HouseholdMerge.objects.create(
            kept=kept, merged=merged, by=_user(actor), at=now, reason=reason
        )
        for kept_id, merged_id in members:
            _merge_member(actor, household_merge, kept_id, merged_id, now)
    return household_merge


def _merge_member(
    actor: Actor, household_merge: HouseholdMerge, kept_id: int, merged_id: int, now
) -> None:  # type: ignore[no-untyped-def]
    left, right = sorted((kept_id, merged_id))
    pair = (
        DuplicateCandidate.objects.select_for_update()
        .filter(left_id=left, right_id=right, status=DuplicateCandidate.Status.OPEN)
        .first()
    )
    Merge.objects.create(
        kept_id=kept_id, merged_id=merged_id, candidate=pair, by=_user(actor), at=now,
        reason=household_merge.reason, household_merge=household_merge,
    )  # fmt: skip
    if pair is not None:
        _decide(pair, DuplicateCandidate.Status.MERGED, actor, now)
    do_record(
        actor=actor,
        action=A.CHANGE,
        object_type="person",
        object_id=merged_id,
        summary=(
            f"merged into person {kept_id} with household {household_merge.merged_id} "
            f"into {household_merge.kept_id} (household merge {household_merge.pk})"
        ),
    )


def _decide(pair: DuplicateCandidate, status: str, actor: Actor, now) -> None:  # type: ignore[no-untyped-def]
    pair.status = status
    pair.decided_at = now
    pair.decided_by = _user(actor)
    pair.save(update_fields=["status", "decided_at", "decided_by"])


def _user(actor: Actor):  # type: ignore[no-untyped-def]
    user = actor.user
    return user if user is not None and getattr(user, "is_authenticated", False) else None


@dataclass(frozen=True)
class TracingQuery:
    """What a relative typed on the public page, in any script or spelling."""

    family_name: str
    given_name: str
    patronymic: str = ""
    birth_year: int | None = None
    settlement: str = ""

    def record(self) -> PersonRecord:
        """Everything typed, the home town included: what a tracing officer compares."""
        return PersonRecord(
            record_id="enquiry",
            given_name=self.given_name.strip(),
            patronymic=self.patronymic.strip(),
            family_name=self.family_name.strip(),
            birth_date=BirthDate(self.birth_year) if self.birth_year else None,
            settlement=self.settlement.strip(),
        )

    def identity(self) -> PersonRecord:
        """What the public answer is decided on: the names and the year of birth.

        The home town is left out. With it, a right guess raised the match above the
        threshold and a wrong one sank it, so the page told anyone who knew a name where
        the person came from. The town still reaches the tracing officer on the enquiry.
        """
        return dataclasses.replace(self.record(), settlement="")


@dataclass(frozen=True)
class PublicAnswer:
    answer: str  # a SearchAnswer
    reference: str = ""  # the enquiry's reference number, when one was recorded


class SearchAnswer:
    RATE_LIMITED = "rate_limited"
    TOO_VAGUE = "too_vague"
    FOUND_SAFE = "found_safe"  # a match who consented to be found; enquiry recorded too
    RECORDED = "recorded"  # nobody who consented matched: the enquiry waits for an officer


def do_public_search(
    *,
    actor: Actor,
    query: TracingQuery,
    enquirer_name: str,
    enquirer_contact: str,
    message: str = "",
) -> PublicAnswer:
    """Answer a relative's search and record their enquiry under a reference number.

    The answer never says where a person is or how to reach them, a match who did not
    consent to be found is answered exactly like nobody at all, and only the names and
    year of birth decide it (`TracingQuery.identity`). The audit entry holds the outcome,
    never the name searched for.
    """
    if not _within_limits(actor):
        do_record(actor=actor, action=A.DENIED, object_type=PUBLIC_SEARCH, summary="rate limited")
        return PublicAnswer(SearchAnswer.RATE_LIMITED)
    (matches,) = keys.check(
        [query.identity()],
        operation_id=None,
        limit=MOST_CANDIDATES + 1,
        min_probability=PUBLIC_MIN_PROBABILITY,
        catch_up_first=True,
    )
    with transaction.atomic():
        if len(matches) > MOST_CANDIDATES:
            do_record(actor=actor, action=A.SEARCH, object_type=PUBLIC_SEARCH, summary="too vague")
            return PublicAnswer(SearchAnswer.TOO_VAGUE)
        consented = set(
            Person.objects.filter(
                pk__in=[m.person.person_id for m in matches], consents_to_be_found=True
            ).values_list("pk", flat=True)
        )
        operation_id = matches[0].person.operation_id if matches else _latest_operation()
        enquiry = Enquiry.objects.create(
            operation_id=operation_id,
            enquirer_name=enquirer_name.strip(),
            enquirer_contact=enquirer_contact.strip(),
            family_name=query.family_name.strip(),
            given_name=query.given_name.strip(),
            patronymic=query.patronymic.strip(),
            birth_year=query.birth_year,
            settlement=query.settlement.strip(),
            message=message.strip(),
            told_found=bool(consented),
        )
        answer = SearchAnswer.FOUND_SAFE if consented else SearchAnswer.RECORDED
        reference = do_give_reference(enquiry_id=enquiry.pk)
        do_record(
            actor=actor,
            action=A.SEARCH,
            object_type=PUBLIC_SEARCH,
            object_id=enquiry.pk,
            summary=f"enquiry recorded, {len(matches)} candidates, answered {answer}",
        )
    return PublicAnswer(answer, reference)


def _within_limits(actor: Actor) -> bool:
    """Ten searches per ten minutes per client address, and per account when signed in.

    Counted atomically before the search (limits/store.py): counting audit rows and then
    writing one let eleven of sixteen parallel searches through a limit of ten.
    """
    within = take(SEARCHES_PER_ADDRESS, actor.ip or "unknown")
    if _user(actor) is not None:
        within = take(SEARCHES_PER_ACCOUNT, str(actor.user.pk)) and within
    return within


def _latest_operation() -> int | None:
    return Operation.objects.order_by("-started_at").values_list("pk", flat=True).first()


def do_resolve_enquiry(*, actor: Actor, enquiry: Enquiry, note: str) -> None:
    with transaction.atomic():
        live = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if live.status != Enquiry.Status.OPEN:
            raise DecisionRefused
        live.status = Enquiry.Status.RESOLVED
        live.resolved_at = timezone.now()
        live.resolved_by = _user(actor)
        live.resolution = note.strip()
        live.save(update_fields=["status", "resolved_at", "resolved_by", "resolution"])
        do_record(
            actor=actor,
            action=A.CHANGE,
            object_type="enquiry",
            object_id=live.pk,
            summary="enquiry resolved",
        )


@dataclass(frozen=True)
class ScanResult:
    persons: int
    pairs_found: int
    pairs_new: int
    merged: int


#: the scan's stages for progress(done, SCAN_STAGES): loaded, linked, queued
SCAN_STAGES = 3


def do_scan_registry(
    *,
    operation: Operation,
    auto_merge: bool = False,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> ScanResult:
    """Run the batch engine over the operation's registry and queue pairs for review.

    Persons already merged into another are left out (their kept person stands for
    them). Members of one household are paired only on their own fields, and a person
    at most once with each other household (`core.linkage.households`). Pairs the engine would merge go to the queue like the rest, unless
    `auto_merge`: then only those at the documented threshold (0.99, no contradiction,
    a personal field agreeing) are merged, each into the lowest id of its cluster.
    """
    merged_ids = Merge.objects.filter(undone_at__isnull=True).values("merged_id")
    ids = (
        Person.objects.filter(household__operation=operation)
        .exclude(pk__in=merged_ids)
        .values_list("pk", flat=True)
    )
    people = keys.load(ids)
    progress(1, SCAN_STAGES)
    result = RefugeLinker().dedupe([p.record for p in people])
    pairs = household_pairs(
        result.scored_pairs(min_probability=REVIEW_PROBABILITY),
        {p.record.record_id: p.household_id for p in people},
        REVIEW_PROBABILITY,
    )
    rows = [
        DuplicateCandidate.between(
            int(pair.left_id),
            int(pair.right_id),
            operation=operation,
            probability=pair.match_probability,
            evidence=_evidence_json(pair),
        )
        for pair in pairs
    ]
    progress(2, SCAN_STAGES)
    with transaction.atomic():
        before = DuplicateCandidate.objects.filter(operation=operation).count()
        DuplicateCandidate.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        new = DuplicateCandidate.objects.filter(operation=operation).count() - before
        merged = _auto_merge(operation, pairs) if auto_merge else 0
    progress(3, SCAN_STAGES)
    return ScanResult(len(people), len(pairs), new, merged)


def _evidence_json(pair: ScoredPair) -> dict[str, object]:
    return {
        "evidence": [[e.comparison, e.level, round(e.weight, 2)] for e in pair.evidence],
        "contradictions": list(pair.contradictions),
        "swapped_names": pair.swapped_names,
    }


def _auto_merge(operation: Operation, pairs: list[ScoredPair]) -> int:
    links = [
        tuple(sorted((int(p.left_id), int(p.right_id))))
        for p in pairs
        if p.decision == Decision.MERGE and p.match_probability >= AUTO_MERGE_PROBABILITY
    ]
    root: dict[int, int] = {}

    def find(x: int) -> int:
        while root.get(x, x) != x:
            x = root[x]
        return x

    for left, right in links:
        a, b = find(left), find(right)
        if a != b:
            root[max(a, b)] = min(a, b)
    open_pairs = {
        (c.left_id, c.right_id): c
        for c in DuplicateCandidate.objects.filter(
            operation=operation, status=DuplicateCandidate.Status.OPEN
        )
    }
    now = timezone.now()
    done = 0
    for left, right in links:
        pair = open_pairs.get((left, right))
        if pair is None:
            continue  # decided by an officer already: their word stands
        kept = find(left)
        for member in (left, right):
            if (
                member == kept
                or Merge.objects.filter(merged_id=member, undone_at__isnull=True).exists()
            ):
                continue
            Merge.objects.create(
                kept_id=kept, merged_id=member, candidate=pair, at=now,
                reason=f"automatic: p={pair.probability:.4f} >= {AUTO_MERGE_PROBABILITY}",
            )  # fmt: skip
            done += 1
        pair.status = DuplicateCandidate.Status.MERGED
        pair.decided_at = now
        pair.save(update_fields=["status", "decided_at"])
    return done
