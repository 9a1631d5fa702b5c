"""CSV in and out for `refuge dedupe`: errors name the file, row and field; writes are atomic."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from refuge.core.csvcells import (
    FIELD_CHARS,
    long_fields_readable,
    shown,
    spreadsheet_safe,
    too_long,
)
from refuge.core.linkage.engine import ScoredPair
from refuge.core.linkage.records import FIELDS, NAME_FIELDS, BadBirthDate, BirthDate, PersonRecord

# One machine holds about a million registrations comfortably (docs/PERFORMANCE.md);
# beyond this the batch belongs on the Spark path (docs/LINKAGE.md).
MAX_INPUT_BYTES = 1 << 30


class InputError(Exception):
    """Bad input, described in one line that names the file, row and field."""


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


def _record(path: Path, row: int, values: list[str], columns: dict[str, int]) -> PersonRecord:
    def value(name: str) -> str:
        pos = columns.get(name)
        return values[pos].strip() if pos is not None else ""

    record_id = value("id")
    if not record_id:
        raise InputError(f"{path}: row {row}: field 'id' is empty")
    try:
        birth = BirthDate.parse(value("birth_date"))
    except BadBirthDate as exc:
        raise InputError(f"{path}: row {row}: field 'birth_date': {exc}") from None
    fields = {name: value(name) for name in FIELDS if name != "birth_date"}
    return PersonRecord(record_id=record_id, birth_date=birth, **fields)


def read_records(path: Path, max_bytes: int = MAX_INPUT_BYTES) -> list[PersonRecord]:
    """Person records from a CSV file with a header row (columns by name)."""
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
    with long_fields_readable(max_bytes):
        return _read_rows(path, csv.reader(_lines(path)))


def _read_rows(path: Path, reader: Iterator[list[str]]) -> list[PersonRecord]:
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
        record = _record(path, row, values, columns)
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
