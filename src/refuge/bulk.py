"""Many rows into one table at once: COPY on PostgreSQL, one prepared INSERT elsewhere.

An import writes some thirty rows per household (the household, its members, two ledger
events each, a dozen blocking keys each); through model instances and the client-side
quoting of parameters that was most of its time (docs/PERFORMANCE.md, ODK/Kobo import).
COPY streams the rows in PostgreSQL's text format, adapted by psycopg's C code. Ids are
taken from the table's sequence first (`next_ids`), so that rows pointing to each other
can be written without reading anything back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import Model


def copies() -> bool:
    """Whether `insert_rows` streams with COPY (PostgreSQL) and `next_ids` can be asked."""
    return connection.vendor == "postgresql"


def next_ids(model: type[Model], n: int) -> list[int]:
    """n ids from the model's primary-key sequence (PostgreSQL), ascending, never reused."""
    if n <= 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(table), pk, n],
        )
        return sorted(row[0] for row in cursor.fetchall())


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Append rows (values in `columns` order) inside the caller's transaction; returns how many.

    No conflict handling: a duplicate key raises IntegrityError, as an INSERT would.
    """
    ops = connection.ops
    names = ", ".join(ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if copies():
            with cursor.cursor.copy(f"COPY {ops.quote_name(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {ops.quote_name(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        chunk: list[Sequence[Any]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= 5000:
                cursor.executemany(sql, chunk)
                count, chunk = count + len(chunk), []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def select_int8(sql: str, params: Sequence[Any], columns: Sequence[str]) -> npt.NDArray[np.int64]:
    """The rows of a SELECT of non-null bigint `columns`, as an array (PostgreSQL).

    The rows come as one bytea of their big-endian values, read with numpy: psycopg
    makes a Python object of each value it fetches (and binary COPY a message of each
    row), which for an import batch's tens of thousands of (key, person) rows cost
    more than the query.
    """
    packed = " || ".join(f"int8send({c})" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), string_agg({packed}, ''::bytea) FROM ({sql}) AS selected", params
        )
        n, data = cursor.fetchone()
    out = np.frombuffer(data or b"", dtype=">i8").astype(np.int64).reshape(-1, len(columns))
    if len(out) != n:
        raise ValueError(f"{n} rows but {len(out)} read: a null among {', '.join(columns)}?")
    return out
