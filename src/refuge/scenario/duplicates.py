"""The scenario's true duplicates, and how well the review queue found them.

`refuge scenario load kursk-2024 --reregistered SHARE` registers a share of the
households a second time; each second registration carries an idempotency key derived
from the first household's id, so the truth can be read back without a table of its own.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass

from django.db.models import F

from refuge.operations.models import Operation
from refuge.registry.models import Household
from refuge.tracing.models import DuplicateCandidate, Merge

AGAIN = uuid.UUID("5f0c5d1e-8a7b-4c1e-9d0a-2024a9a1e5d2")


def second_registration_key(first_household: int) -> uuid.UUID:
    return uuid.uuid5(AGAIN, str(first_household))


def reregistered_persons(operation: Operation) -> list[tuple[int, int]]:
    """(first, second) registration person ids; members pair up in registration order."""
    households = operation.households.values_list("pk", flat=True)
    first = {second_registration_key(pk): pk for pk in households}
    pairs: list[tuple[int, int]] = []
    for second in operation.households.filter(idempotency_key__in=list(first)):
        original = Household.objects.get(pk=first[second.idempotency_key])
        pairs += zip(
            original.members.order_by("pk").values_list("pk", flat=True),
            second.members.order_by("pk").values_list("pk", flat=True),
            strict=True,
        )
    return pairs


@dataclass(frozen=True)
class QueueFigures:
    reregistered: int  # persons registered a second time
    found: int  # of them, merged or queued with their first registration
    pairs: int  # pairs in the queue (any status)
    same_household_pairs: int  # pairs of two members of one household

    @property
    def found_share(self) -> float:
        return self.found / self.reregistered if self.reregistered else 1.0

    @property
    def pairs_per_duplicate(self) -> float:
        return self.pairs / self.reregistered if self.reregistered else float(self.pairs)

    @property
    def same_household_share(self) -> float:
        return self.same_household_pairs / self.pairs if self.pairs else 0.0

    def as_json(self) -> dict[str, object]:
        return {
            **asdict(self),
            "found_share": round(self.found_share, 4),
            "pairs_per_duplicate": round(self.pairs_per_duplicate, 3),
            "same_household_share": round(self.same_household_share, 4),
        }


def queue_figures(operation: Operation) -> QueueFigures:
    truth = reregistered_persons(operation)
    queue = DuplicateCandidate.objects.filter(operation=operation)
    queued = set(queue.values_list("left_id", "right_id"))
    merged = {
        tuple(sorted(p))
        for p in Merge.objects.filter(undone_at__isnull=True).values_list("kept_id", "merged_id")
    }
    either = queued | merged
    found = sum(1 for a, b in truth if tuple(sorted((a, b))) in either)
    return QueueFigures(
        reregistered=len(truth),
        found=found,
        pairs=len(queued),
        same_household_pairs=queue.filter(left__household=F("right__household")).count(),
    )
