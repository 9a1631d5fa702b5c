"""Reads of the ledger that other apps share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, Q

from refuge.movements.models import Movement


def shelter_counts_from_ledger(
    shelter_ids: Iterable[int] | None = None,
) -> dict[int, tuple[int, int]]:
    """(occupancy, reserved) of each shelter, counted from the ledger alone.

    Occupancy: check-ins less check-outs. Reserved: persons whose latest event at the
    shelter is an assignment (neither released nor checked in since).
    """
    events = Movement.objects.effective().filter(shelter__isnull=False)
    if shelter_ids is not None:
        events = events.filter(shelter_id__in=list(shelter_ids))
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in (
        events.filter(kind__in=(Movement.Kind.CHECKED_IN, Movement.Kind.CHECKED_OUT))
        .values("shelter_id")
        .annotate(
            inn=Count("id", filter=Q(kind=Movement.Kind.CHECKED_IN)),
            out=Count("id", filter=Q(kind=Movement.Kind.CHECKED_OUT)),
        )
    ):
        counts[row["shelter_id"]][0] = row["inn"] - row["out"]
    latest: dict[tuple[int, int], str] = {}
    for shelter_id, person_id, kind in (
        events.filter(
            kind__in=(Movement.Kind.ASSIGNED, Movement.Kind.RELEASED, Movement.Kind.CHECKED_IN)
        )
        .order_by("at", "pk")
        .values_list("shelter_id", "person_id", "kind")
    ):
        latest[(shelter_id, person_id)] = kind
    for (shelter_id, _), kind in latest.items():
        if kind == Movement.Kind.ASSIGNED:
            counts[shelter_id][1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


#: how many of the first events recorded at or after `since` the feed reads for its first id
SINCE_WINDOW = 1000


def first_id_recorded_since(operation_id: int, since: datetime) -> int | None:
    """The lowest id among the first SINCE_WINDOW events recorded at or after `since`.

    One range read of the (operation, recorded_at, id) index, where the partners' feed
    (api/views.py, LedgerFeed) used to filter the ledger from its start: half a second a
    first page on a ledger of millions (docs/PERFORMANCE.md). An event's id is taken when
    it is inserted, after its `recorded_at` was stamped, so ids follow recorded times
    except between writers out of step with each other (two desks in the same instant, a
    long import); the window, not just the first event, takes those in. The rows are the
    ones the filter gave unless an event recorded at or after `since` has an id below
    every id of the window: a writer more than a thousand events out of step (docs/API.md).
    """
    window = (
        Movement.objects.filter(operation_id=operation_id, recorded_at__gte=since)
        .order_by("recorded_at", "id")
        .values_list("id", flat=True)[:SINCE_WINDOW]
    )
    return min(window, default=None)
