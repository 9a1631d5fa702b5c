"""Appending to the ledger.

Registering a day's evacuees writes two events per person; at the scale of the
Kursk operation that is a quarter of a million rows, so events are written with
COPY on PostgreSQL and one prepared INSERT executed over many rows elsewhere, without
building a model instance per event. The model's own save() stays the path for single corrections.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from refuge import bulk
from refuge.movements.models import Movement

# The columns an event row sets; the rest keep their defaults (empty, NULL).
COLUMNS = (
    "operation_id", "kind", "at", "person_id", "household_id", "mode", "settlement_id",
    "district_id", "reception_point_id", "shelter_id", "destination", "destination_region_id",
    "note", "recorded_at", "recorded_by_id",
)  # fmt: skip
BLANK = {"mode": "", "destination": "", "note": ""}


def event(**values: Any) -> tuple[Any, ...]:
    """One ledger row; `kind`, `at`, `operation_id`, `person_id`, `household_id` are required."""
    unknown = set(values) - set(COLUMNS)
    if unknown:
        raise TypeError(f"not a ledger column: {sorted(unknown)}")
    if values["kind"] not in Movement.Kind.values:
        raise ValueError(f"unknown event kind {values['kind']!r}")
    return tuple(values.get(c, BLANK.get(c)) for c in COLUMNS)


def record_events(rows: Iterable[tuple[Any, ...]]) -> int:
    """Append events to the ledger (inside the caller's transaction); returns how many.

    COPY on PostgreSQL (no quoting of each value in Python), batched INSERTs elsewhere:
    `bulk.insert_rows`."""
    ops = connection.ops
    at, recorded_at = COLUMNS.index("at"), COLUMNS.index("recorded_at")
    now = timezone.now()

    def adapt(row: tuple[Any, ...]) -> tuple[Any, ...]:
        values = list(row)
        values[at] = ops.adapt_datetimefield_value(_aware(values[at]))
        values[recorded_at] = ops.adapt_datetimefield_value(values[recorded_at] or now)
        return tuple(values)

    return bulk.insert_rows(Movement._meta.db_table, COLUMNS, (adapt(row) for row in rows))


def _aware(value: datetime) -> datetime:
    if timezone.is_naive(value):
        raise ValueError("ledger times must carry a time zone")
    return value
