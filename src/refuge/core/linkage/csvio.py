"""CSV in and out for `refuge dedupe`: errors name the file, row and field; writes are atomic."""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from refuge.core.csvcells import (
    FIELD_CHARS,
    long_fields_readable,
    shown,
    spreadsheet_safe,
    too_long,
)
from refuge.core.linkage.engine import Link, ScoredPair
from refuge.core.linkage.records import FIELDS, NAME_FIELDS, BadBirthDate, BirthDate, PersonRecord

# One machine holds about a million registrations comfortably (docs/PERFORMANCE.md);
# beyond this the batch belongs on the Spark path (docs/LINKAGE.md).
MAX_INPUT_BYTES = 1 << 30


class InputError(Exception):
    """Bad input, described in one line that names the file, row and field."""


_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# What each kind of dirty value is called in the report, and how it is still compared.
DIRTY_KINDS: dict[str, str] = {
    "birth_date": "birth dates that are not calendar dates (compared digit by digit)",
    "phone": "phones with letters (compared on their digits)",
    "name": "names mixing Cyrillic and Latin letters (compared on their name keys)",
}

_REFUSED = {
    "birth_date": "is not a calendar date",
    "phone": "has letters",
    "name": "mixes Cyrillic and Latin letters",
}


@dataclass
class DirtyValues:
    """Values kept as typed though no clean file has them: counted, with the first row."""

    counts: dict[str, int] = field(default_factory=dict)
    first_row: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, row: int) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.first_row.setdefault(kind, row)

    def lines(self, path: Path) -> list[str]:
        """One line per kind, for stderr."""
        return [
            f"{path}: kept {self.counts[kind]:,} {DIRTY_KINDS[kind]}, first in row "
            f"{self.first_row[kind]}; --strict refuses them"
            for kind in DIRTY_KINDS
            if kind in self.counts
        ]


@dataclass
class InputFile:
    records: list[PersonRecord]
    dirty: DirtyValues


def _lines(path: Path) -> Iterator[str]:
    """Decoded lines; an undecodable byte is reported with its row number."""
    with path.open("rb") as raw:
        for number, line in enumerate(raw, start=1):
            if number == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            try:
                yield line.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{path}: line {number}: byte {exc.start + 1} is not UTF-8; "
                    "save the file as UTF-8 (Excel: 'CSV UTF-8')"
                ) from None


def _check_header(path: Path, header: list[str]) -> dict[str, int]:
    columns = {name.strip().lower(): pos for pos, name in enumerate(header)}
    if "id" not in columns:
        found = ", ".join(shown(name) for name in header[:12])
        raise InputError(f"{path}: header has no 'id' column (found: {found})")
    if not any(name in columns for name in NAME_FIELDS):
        raise InputError(f"{path}: header needs at least one of {', '.join(NAME_FIELDS)}")
    return columns


def _record(
    path: Path, row: int, values: list[str], columns: dict[str, int], dirty: DirtyValues | None
) -> PersonRecord:
    """One row; `dirty` None means strict (a dirty value refuses the file)."""

    def value(name: str) -> str:
        pos = columns.get(name)
        return values[pos].strip() if pos is not None else ""

    def found(kind: str, name: str, text: str) -> None:
        if dirty is None:
            raise InputError(
                f"{path}: row {row}: field {name!r}: {text!r} {_REFUSED[kind]} "
                "(without --strict it is kept and compared)"
            )
        dirty.add(kind, row)

    record_id = value("id")
    if not record_id:
        raise InputError(f"{path}: row {row}: field 'id' is empty")
    try:
        birth = BirthDate.parse(value("birth_date"), as_typed=True)
    except BadBirthDate as exc:
        raise InputError(f"{path}: row {row}: field 'birth_date': {exc}") from None
    if birth is not None and not birth.is_calendar_date():
        found("birth_date", "birth_date", value("birth_date"))
    fields = {name: value(name) for name in FIELDS if name != "birth_date"}
    if any(ch.isalpha() for ch in fields["phone"]):
        found("phone", "phone", fields["phone"])
    for name in NAME_FIELDS:
        if _LATIN.search(fields[name]) and _CYRILLIC.search(fields[name]):
            found("name", name, fields[name])
            break
    return PersonRecord(record_id=record_id, birth_date=birth, **fields)


def read_records(path: Path, max_bytes: int = MAX_INPUT_BYTES) -> list[PersonRecord]:
    """Person records from a CSV file with a header row; dirty values kept as typed."""
    return read_input(path, max_bytes=max_bytes).records


def read_input(path: Path, *, strict: bool = False, max_bytes: int = MAX_INPUT_BYTES) -> InputFile:
    """Person records from a CSV file with a header row (columns by name).

    Structural faults (no id column, an empty or duplicate id, a line not UTF-8, a row of
    the wrong length) always refuse; dirty values (a date no calendar has, a phone with
    letters, a name in two scripts) are kept and counted, and refuse only if `strict`.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if size > max_bytes:
        raise InputError(
            f"{path}: {size / 2**30:.1f} GiB is more than the {max_bytes / 2**30:.1f} GiB one "
            "machine handles; split it (e.g. by settlement) or use the Spark path "
            "(docs/LINKAGE.md)"
        )
    dirty = DirtyValues()
    with long_fields_readable(max_bytes):
        records = _read_rows(path, csv.reader(_lines(path)), None if strict else dirty)
    return InputFile(records, dirty)


def _read_rows(
    path: Path, reader: Iterator[list[str]], dirty: DirtyValues | None
) -> list[PersonRecord]:
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{path}: file is empty (expected a header row)") from None
    except csv.Error as exc:
        raise InputError(f"{path}: row 1: {exc}") from None
    _check_length(path, 1, header, header)
    columns = _check_header(path, header)
    records: list[PersonRecord] = []
    first_row: dict[str, int] = {}
    row = 1
    while True:
        row += 1
        try:
            values = next(reader)
        except StopIteration:
            return records
        except csv.Error as exc:
            raise InputError(f"{path}: row {row}: {exc}") from None
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise InputError(f"{path}: row {row}: {len(values)} fields, header has {len(header)}")
        _check_length(path, row, header, values)
        record = _record(path, row, values, columns, dirty)
        if record.record_id in first_row:
            raise InputError(
                f"{path}: row {row}: id {shown(record.record_id)} already used in row "
                f"{first_row[record.record_id]}"
            )
        first_row[record.record_id] = row
        records.append(record)


def _check_length(path: Path, row: int, header: list[str], values: list[str]) -> None:
    over = too_long(header, values)
    if over:
        raise InputError(
            f"{path}: row {row}: field {shown(over[0])} has {over[1]:,} characters; "
            f"at most {FIELD_CHARS:,} are accepted"
        )


def _write_atomically(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            # Ids and reasons come from the input: a spreadsheet must not run them.
            writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def write_clusters(path: Path, record_ids: Sequence[str], cluster_ids: Sequence[str]) -> None:
    _write_atomically(path, ("id", "cluster_id"), zip(record_ids, cluster_ids, strict=True))


def write_pairs(path: Path, pairs: Iterable[ScoredPair]) -> None:
    header = ("left_id", "right_id", "match_probability", "match_weight", "decision", "reasons")
    rows = (
        (
            p.left_id, p.right_id, f"{p.match_probability:.6f}", f"{p.match_weight:.2f}",
            p.decision.value, p.reasons(),
        )
        for p in pairs
    )  # fmt: skip
    _write_atomically(path, header, rows)


def write_links(path: Path, links: Iterable[Link]) -> None:
    header = ("left_id", "right_id", "match_probability", "reasons")
    rows = (
        (
            item.left_id, item.right_id,
            f"{item.pair.match_probability:.6f}" if item.pair else "",
            item.pair.reasons() if item.pair else "",
        )
        for item in links
    )  # fmt: skip
    _write_atomically(path, header, rows)
