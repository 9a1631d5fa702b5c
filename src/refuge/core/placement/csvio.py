"""Reading the coordinator's CSV files and writing the assignment file.

Every problem in a file is reported as one sentence naming the file, the row (as a
spreadsheet shows it: the header is row 1) and the field, because the person fixing it has the
file open in a spreadsheet, not a traceback.
"""

from __future__ import annotations

import csv
import math
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from refuge.core.csvcells import (
    FIELD_CHARS,
    long_fields_readable,
    shown,
    spreadsheet_safe,
    too_long,
)
from refuge.core.placement.model import NEED_WORDS, Household, Placement, Shelter

HOUSEHOLD_COLUMNS = ("household_id", "size", "origin_lat", "origin_lon", "needs")
SHELTER_COLUMNS = ("shelter_id", "capacity", "lat", "lon", "features")
MATRIX_COLUMNS = ("household_id", "shelter_id", "minutes")
QUOTA_COLUMNS = ("region", "max_persons")
# Far above any real file (Kursk-2024's households file is about 2 MB); a bigger one is a
# mistake or an attack, refused before it is read into memory.
MAX_INPUT_BYTES = 256 * 2**20
# The largest values that make sense; beyond them a number is a typo (or an attack that
# overflowed the solver's 64-bit arrays).
MOST_PERSONS_IN_HOUSEHOLD = 500  # a children's home or a care home travels as one
MOST_PLACES_IN_SHELTER = 100_000
MOST_PERSONS_IN_QUOTA = 10_000_000
MOST_MINUTES = 7 * 24 * 60

T = TypeVar("T")


class InputFileError(ValueError):
    def __init__(self, path: Path | str, row: int, field: str | None, problem: str) -> None:
        self.path, self.row, self.field, self.problem = Path(path), row, field, problem
        where = f"row {row}" + (f", field '{field}'" if field else "")
        super().__init__(f"{Path(path).name}: {where}: {problem}")


class _Row:
    """One data row, with the parse helpers that know where they are."""

    def __init__(self, path: Path, number: int, values: Mapping[str, str]) -> None:
        self.path, self.row_number, self.values = path, number, values

    def fail(self, field: str | None, problem: str) -> InputFileError:
        return InputFileError(self.path, self.row_number, field, problem)

    def text(self, field: str) -> str:
        value = (self.values.get(field) or "").strip()
        if not value:
            raise self.fail(field, "is empty")
        return value

    def whole(self, field: str, least: int, most: int) -> int:
        raw = self.text(field)
        try:
            value = int(raw)
        except ValueError:
            raise self.fail(field, f"{shown(raw)} is not a whole number") from None
        if value < least:
            raise self.fail(field, f"{value} is below {least}")
        if value > most:
            raise self.fail(field, f"{shown(raw)} is above {most:,}")
        return value

    def number(self, field: str, low: float, high: float) -> float:
        raw = self.text(field)
        try:
            value = float(raw)
        except ValueError:
            raise self.fail(field, f"{shown(raw)} is not a number") from None
        if not math.isfinite(value) or not low <= value <= high:
            raise self.fail(field, f"{shown(raw)} is outside {low:g}..{high:g}")
        return value

    def words(self, field: str) -> frozenset[str]:
        raw = self.values.get(field) or ""
        words = frozenset(w.strip().lower() for w in raw.split(";") if w.strip())
        unknown = sorted(words - NEED_WORDS)
        if unknown:
            raise self.fail(
                field,
                f"unknown word {shown(unknown[0])} (allowed: {', '.join(sorted(NEED_WORDS))})",
            )
        return words


def read_households(path: Path | str) -> list[Household]:
    fast = _households_at_once(Path(path))
    if fast is not None:
        return fast

    def household(row: _Row) -> Household:
        return Household(
            household_id=row.text("household_id"),
            size=row.whole("size", 1, MOST_PERSONS_IN_HOUSEHOLD),
            origin_lat=row.number("origin_lat", -90, 90),
            origin_lon=row.number("origin_lon", -180, 180),
            needs=row.words("needs"),
        )

    return _read_unique(Path(path), HOUSEHOLD_COLUMNS, "household_id", household)


def _households_at_once(path: Path) -> list[Household] | None:
    """A million rows without a _Row each (a third of the time of `refuge place` at 250,000
    households went on reading): the same checks, but at the first thing that is not plainly
    right it gives up and returns None, and the row-by-row reader finds and names it."""
    try:
        text = _decode(path)
    except InputFileError:
        return None
    lines = csv.reader(text.splitlines(keepends=True))
    try:
        with long_fields_readable(MAX_INPUT_BYTES):
            header = [name.strip().lower() for name in next(lines)]
            if len(set(header)) != len(header) or not set(HOUSEHOLD_COLUMNS) <= set(header):
                return None
            at = [header.index(name) for name in HOUSEHOLD_COLUMNS]
            width = len(header)
            out: list[Household] = []
            seen: set[str] = set()
            for values in lines:
                if len(values) != width or any(len(v) > FIELD_CHARS for v in values):
                    return None
                key, size, lat, lon, needs = (values[i].strip() for i in at)
                number = int(size)
                y, x = float(lat), float(lon)
                if not key or key in seen or not 1 <= number <= MOST_PERSONS_IN_HOUSEHOLD:
                    return None
                if not (-90 <= y <= 90 and -180 <= x <= 180):  # also false for nan
                    return None
                words = frozenset(w.strip().lower() for w in needs.split(";") if w.strip())
                if not words <= NEED_WORDS:
                    return None
                seen.add(key)
                out.append(Household(key, number, y, x, words))
    except (ValueError, StopIteration, csv.Error):
        return None
    return out


def read_shelters(path: Path | str) -> list[Shelter]:
    def shelter(row: _Row) -> Shelter:
        return Shelter(
            shelter_id=row.text("shelter_id"),
            capacity=row.whole("capacity", 0, MOST_PLACES_IN_SHELTER),
            lat=row.number("lat", -90, 90),
            lon=row.number("lon", -180, 180),
            features=row.words("features"),
            region=(row.values.get("region") or "").strip(),
        )

    return _read_unique(Path(path), SHELTER_COLUMNS, "shelter_id", shelter)


def read_travel_matrix(
    path: Path | str, households: Sequence[Household], shelters: Sequence[Shelter]
) -> dict[tuple[str, str], float]:
    path = Path(path)
    household_ids = {h.household_id for h in households}
    shelter_ids = {s.shelter_id for s in shelters}
    out: dict[tuple[str, str], float] = {}
    for row in _rows(path, MATRIX_COLUMNS):
        pair = (row.text("household_id"), row.text("shelter_id"))
        if pair[0] not in household_ids:
            raise row.fail("household_id", f"{shown(pair[0])} is not in the households file")
        if pair[1] not in shelter_ids:
            raise row.fail("shelter_id", f"{shown(pair[1])} is not in the shelters file")
        if pair in out:
            raise row.fail("shelter_id", f"the pair {pair[0]} -> {pair[1]} is given twice")
        out[pair] = row.number("minutes", 0, MOST_MINUTES)
    return out


def read_quotas(path: Path | str, shelters: Sequence[Shelter]) -> dict[str, int]:
    path = Path(path)
    regions = {s.region for s in shelters if s.region}
    out: dict[str, int] = {}
    for row in _rows(path, QUOTA_COLUMNS):
        region = row.text("region")
        if region not in regions:
            raise row.fail("region", f"no shelter is in region {shown(region)}")
        if region in out:
            raise row.fail("region", f"region {shown(region)} is given twice")
        out[region] = row.whole("max_persons", 0, MOST_PERSONS_IN_QUOTA)
    return out


def write_assignments(
    path: Path | str, households: Sequence[Household], placement: Placement
) -> None:
    """One row per household in input order; written whole or not at all."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["household_id", "shelter_id"])
            for h in households:
                row = [h.household_id, placement.shelter_of(h.household_id) or ""]
                # Ids come from the coordinator's files: a spreadsheet must not run them.
                writer.writerow([spreadsheet_safe(cell) for cell in row])
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read_unique(
    path: Path, columns: Sequence[str], id_field: str, build: Callable[[_Row], T]
) -> list[T]:
    seen: dict[str, int] = {}
    out = []
    for row in _rows(path, columns):
        key = row.text(id_field)
        if key in seen:
            raise row.fail(id_field, f"{shown(key)} is already used on row {seen[key]}")
        seen[key] = row.row_number
        try:
            out.append(build(row))
        except ValueError as problem:
            if isinstance(problem, InputFileError):
                raise
            raise row.fail(None, str(problem)) from None
    return out


def _rows(path: Path, columns: Sequence[str]) -> Iterator[_Row]:
    text = _decode(path)
    if not text.strip():
        raise InputFileError(
            path, 1, None, f"the file is empty; expected the header {','.join(columns)}"
        )
    with long_fields_readable(MAX_INPUT_BYTES):
        yield from _parsed(path, columns, csv.reader(text.splitlines(keepends=True)))


def _parsed(path: Path, columns: Sequence[str], reader: Iterator[list[str]]) -> Iterator[_Row]:
    header = [name.strip().lower() for name in _next_row(path, 1, reader) or []]
    _check_length(path, 1, header, header)
    for name in columns:
        if name not in header:
            found = ",".join(shown(h, 20) for h in header[:12])
            raise InputFileError(path, 1, name, f"column is missing (header: {found})")
    number = 2
    while (values := _next_row(path, number, reader)) is not None:
        row_number, number = number, reader.line_num + 1  # type: ignore[attr-defined]
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            raise InputFileError(
                path, row_number, None, f"{len(values)} values for {len(header)} columns"
            )
        _check_length(path, row_number, header, values)
        yield _Row(path, row_number, dict(zip(header, values, strict=False)))


def _next_row(path: Path, number: int, reader: Iterator[list[str]]) -> list[str] | None:
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as problem:
        raise InputFileError(path, number, None, str(problem)) from None


def _check_length(path: Path, number: int, header: list[str], values: list[str]) -> None:
    over = too_long(header, values)
    if over:
        raise InputFileError(
            path,
            number,
            over[0],
            f"has {over[1]:,} characters; at most {FIELD_CHARS:,} are accepted",
        )


def _decode(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputFileError(
                path, 0, None, f"has {size:,} bytes; at most {MAX_INPUT_BYTES:,} are accepted"
            )
        raw = path.read_bytes()
    except OSError as problem:
        raise InputFileError(path, 0, None, f"cannot be read ({problem.strerror})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        line_start = raw.rfind(b"\n", 0, problem.start) + 1
        row = raw.count(b"\n", 0, problem.start) + 1
        column = raw.count(b",", line_start, problem.start)
        header = raw[:4096].split(b"\n", 1)[0].decode("utf-8", "replace").strip().split(",")
        field = header[column] if row > 1 and column < len(header) else None
        raise InputFileError(
            path, row, field, "is not UTF-8 text; save the file as 'CSV UTF-8' and try again"
        ) from None
