"""Blocking: which pairs of records are worth comparing at all.

Every rule turns a record into zero or more string keys; two records are a candidate
pair when they share a key under any rule. Keys are hashed to 64-bit integers and
exploded into a (row, key) table, so generating candidates is one equi-join that any
SQL engine runs: `DuckDBBlocker` here, the same statement on Spark (docs/LINKAGE.md).

The rules are chosen for the corruption the field produces: the name-token rule sees
through transliteration, Russian/Ukrainian forms, diminutives, gender forms and swapped
fields; the birth-date rules (with day and month unordered) catch typos in one name;
the month-day rule catches a mistyped year; phone and document numbers catch the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import duckdb
import numpy as np
import pandas as pd

from refuge.core.linkage.features import FeatureTable, IntArray, MaskArray
from refuge.core.names.given_names import GIVEN_NAMES

# A key shared by more rows than this is a placeholder ("000", "unknown"), not evidence;
# comparing all its pairs would be quadratic for nothing.
MAX_BLOCK = 2_000

RULES: dict[str, str] = {
    "n": "name tokens (given identity or stem, family stem), unordered",
    "d": "a name token + birth year + day and month unordered",
    "m": "family stem + day and month unordered (mistyped year)",
    "f": "given token + first three letters of the family stem (typo later in it)",
    "e": "given token + first two and last two letters of the family stem",
    "g": "given token + day and month + first letter of family stem (typos, year slip)",
    "s": "given token + settlement + birth year",
    "p": "phone (last nine digits)",
    "D": "document number",
    "H": "first or second half of the document number (a typo in the other half)",
    "z": "family stem + postcode",
    "b": "birth date (day and month unordered) + postcode or settlement",
}


def _idents(mask_row: MaskArray) -> list[str]:
    out: list[str] = []
    for word, value in enumerate(mask_row.tolist()):
        while value:
            low = value & -value
            out.append("#" + GIVEN_NAMES[64 * word + low.bit_length() - 1].ident)
            value ^= low
    return out


@lru_cache(maxsize=500_000)
def _tokens_cached(stem: str, mask_words: tuple[int, ...]) -> tuple[str, ...]:
    tokens = [stem] if stem else []
    return tuple(tokens + _idents(np.array(mask_words, dtype=np.uint64)))


def _tokens(stem: str, mask_row: MaskArray) -> tuple[str, ...]:
    return _tokens_cached(stem, tuple(int(v) for v in mask_row))


def _date_part(year: int, month: int, day: int) -> str:
    if not (year and month and day):
        return ""
    low, high = sorted((month, day))
    return f"{low}-{high}"


def record_keys(table: FeatureTable, row: int) -> Iterator[str]:
    """Every blocking key of one record (rule name first, so rules never collide)."""
    given = _tokens(table.given_stem[row], table.given_mask[row])
    family = _tokens(table.family_stem[row], table.family_mask[row])
    for g in given:
        for f in family:
            yield "n|" + "|".join(sorted((g, f)))
    month_day = _date_part(int(table.year[row]), int(table.month[row]), int(table.day[row]))
    if month_day:
        for token in {*given, *family}:
            yield f"d|{token}|{table.year[row]}|{month_day}"
        if table.family_stem[row]:
            yield f"m|{table.family_stem[row]}|{month_day}"
    stem = table.family_stem[row]
    if len(stem) >= 4:
        for g in given:
            yield f"f|{g}|{stem[:3]}"
            yield f"e|{g}|{stem[:2]}{stem[-2:]}"
            if month_day:
                yield f"g|{g}|{month_day}|{stem[0]}"
    if table.settlement[row] and table.year[row]:
        for g in given:
            yield f"s|{g}|{table.settlement[row]}|{table.year[row]}"
    if table.phone[row]:
        yield "p|" + table.phone[row]
    document = table.document[row]
    if document:
        yield "D|" + document
        if len(document) >= 6:
            half = len(document) // 2
            yield f"H|<{document[:half]}"
            yield f"H|>{document[half:]}"
    if month_day:
        for place in (table.postcode[row], table.settlement[row]):
            if place:
                yield f"b|{table.year[row]}|{month_day}|{place}"
    if table.postcode[row] and table.family_stem[row]:
        yield f"z|{table.family_stem[row]}|{table.postcode[row]}"


def hash_keys(keys: list[str]) -> IntArray:
    hashed = pd.util.hash_array(np.asarray(keys, dtype=object), categorize=False)
    return np.asarray(hashed, dtype=np.uint64).view(np.int64)


@dataclass(frozen=True, slots=True)
class KeyTable:
    """Exploded blocking keys: `row[k]` carries hashed key `key[k]`."""

    row: IntArray
    key: IntArray


def key_table(table: FeatureTable) -> KeyTable:
    rows: list[int] = []
    keys: list[str] = []
    for row in range(len(table)):
        for key in record_keys(table, row):
            rows.append(row)
            keys.append(key)
    return KeyTable(np.asarray(rows, dtype=np.int64), hash_keys(keys))


class Blocker(Protocol):
    """A backend that turns a key table into candidate pairs (left row < right row)."""

    def candidate_pairs(self, keys: KeyTable) -> tuple[IntArray, IntArray]: ...


CANDIDATE_SQL = """
WITH sized AS (
    SELECT row, key, count(*) OVER (PARTITION BY key) AS block_size FROM keys
), kept AS (SELECT DISTINCT row, key FROM sized WHERE block_size <= {max_block})
SELECT DISTINCT a.row AS l, b.row AS r
FROM kept a JOIN kept b ON a.key = b.key AND a.row < b.row
"""


class DuckDBBlocker:
    """Candidate pairs by a self equi-join in DuckDB (all cores, spills to disk if needed)."""

    def __init__(self, max_block: int = MAX_BLOCK, threads: int | None = None) -> None:
        self.max_block = max_block
        self.threads = threads

    def candidate_pairs(self, keys: KeyTable) -> tuple[IntArray, IntArray]:
        con = duckdb.connect()
        try:
            if self.threads:
                con.execute(f"SET threads = {int(self.threads)}")
            frame = pd.DataFrame({"row": keys.row, "key": keys.key})
            con.register("keys", frame)
            pairs = con.execute(CANDIDATE_SQL.format(max_block=int(self.max_block))).fetchnumpy()
        finally:
            con.close()
        left = np.asarray(pairs["l"], dtype=np.int64)
        right = np.asarray(pairs["r"], dtype=np.int64)
        order = np.lexsort((right, left))
        return left[order], right[order]
