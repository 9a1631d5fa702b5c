"""Reading the exports of KoboToolbox and ODK Central into submissions.

Kobo's XLSX export has the submissions on its first sheet (columns named by group
path, `household/origin`, with `_uuid`, `_submission_time` and `_index`) and one sheet
per repeat group (`members`) whose rows point to their submission by `_parent_index`.
ODK Central's CSV export joins paths with `-` (`household-origin`), names the
submission by `KEY` (`uuid:…`) and its repeat rows by `PARENT_KEY`, one CSV per repeat
group beside the main one (`form-members.csv`), or all of them in a .zip. Either way
a field is known by the last part of its path: the names xlsform.py writes.

Files are bounded before they are parsed: an .xlsx or .zip whose contents would
decompress beyond MAX_UNPACKED is refused from its directory alone, a cell holding a
formula is refused (an export never has one), cells are at most FIELD_CHARS long, and
a CSV must be UTF-8. Every refusal is a `BadFile` with one sentence.

An .xlsx is read by xlsx_fast.py (lxml, for the plain cells exports have: five times
faster than openpyxl, whose reading was a fifth of a large import) and, when it holds
anything else (dates kept as numbers, booleans, errors, a sheet without its size),
by openpyxl, with the same result.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from refuge.core.csvcells import FIELD_CHARS, long_fields_readable

HOUSEHOLD_FIELDS = (
    "district", "origin", "reception_point", "left_at", "mode", "destination", "phone",
    "household_size", "consent",
)  # fmt: skip
MEMBER_FIELDS = ("family_name", "given_name", "patronymic", "sex", "birth_date", "needs")
MAX_FILE = 100 * 1024 * 1024
MAX_UNPACKED = 400 * 1024 * 1024
MAX_ROWS = 1_000_000


class BadFile(ValueError):
    """The file cannot be read as an export; the message says why in one line."""


@dataclass
class Table:
    name: str
    header: list[str]
    rows: list[list[str]]  # row i is the file's row i + 2 (the header is row 1)


@dataclass(slots=True)
class Member:
    where: tuple[str, int]  # (sheet, row)
    values: dict[str, str]


@dataclass(slots=True)
class Submission:
    uuid: str
    submitted_at: str
    where: tuple[str, int]
    values: dict[str, str]
    members: list[Member] = field(default_factory=list)


def field_name(column: str) -> str:
    return re.split(r"[/-]", column.strip())[-1] if column.strip() else ""


def read_tables(path: Path) -> list[Table]:
    """The file's sheets (or CSV files) in order; the first holds the submissions."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise BadFile(f"the file is {size:,} bytes; at most {MAX_FILE:,} are read")
        data = path.read_bytes()
    except OSError as error:
        raise BadFile(f"cannot read {path.name}: {error.strerror}") from None
    if not data.strip():
        raise BadFile("the file is empty")
    if data[:4] == b"PK\x03\x04":
        archive = _archive(data)
        if "xl/workbook.xml" in archive.namelist():
            return _xlsx(data)
        return [
            _csv(Path(name).stem, archive.read(name))
            for name in sorted(archive.namelist())
            if name.lower().endswith(".csv")
        ] or _no_tables()
    if path.suffix.lower() in (".xlsx", ".xls", ".ods"):
        raise BadFile("this is not a spreadsheet Refuge can read: save it as .xlsx or .csv")
    tables = [_csv(path.stem, data)]
    for sibling in sorted(path.parent.glob(f"{path.stem}-*.csv")):
        tables.append(_csv(sibling.stem, sibling.read_bytes()))
    return tables


def _no_tables() -> list[Table]:
    raise BadFile("the archive holds no .csv file")


def _archive(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise BadFile("the file is a damaged .xlsx or .zip archive") from None
    if unpacked > MAX_UNPACKED:
        raise BadFile(
            f"the archive would unpack to {unpacked:,} bytes (at most {MAX_UNPACKED:,}): refused"
        )
    return archive


def _xlsx(data: bytes) -> list[Table]:
    from refuge.fielddata import xlsx_fast

    try:
        return xlsx_fast.tables(data)
    except BadFile:
        raise
    except Exception:  # noqa: S110 - anything the plain reader does not know: openpyxl's turn
        pass
    try:
        return _sheets(data)
    except BadFile:
        raise
    except Exception:  # damaged XML inside a well-formed archive: openpyxl's many errors
        raise BadFile("the workbook is damaged and cannot be read") from None


def _sheets(data: bytes) -> list[Table]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        raise BadFile("the file is not a workbook Refuge can read") from None
    tables = []
    for sheet in book.worksheets:
        rows = sheet.iter_rows()
        header = [_text(c.value) for c in next(rows, ())]
        body = []
        for number, row in enumerate(rows, start=2):
            values = []
            for position, cell in enumerate(row):
                if cell.data_type == "f":
                    column = header[position] if position < len(header) else position + 1
                    raise BadFile(
                        f"{sheet.title}, row {number}, {column}: a formula; exports have none"
                    )
                values.append(_text(cell.value))
            _bounded(sheet.title, number, header, values)
            body.append(values)
            if number > MAX_ROWS:
                raise BadFile(f"{sheet.title}: more than {MAX_ROWS:,} rows")
        tables.append(Table(sheet.title, header, body))
    book.close()
    return tables


def _text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv(name: str, data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BadFile(f"{name}: row {line} is not UTF-8 text; export it as UTF-8 CSV") from None
    if "\x00" in text:
        raise BadFile(f"{name}: this is not a text file")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    with long_fields_readable(len(text) + 1):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = [h.strip() for h in next(reader, [])]
        rows = []
        for number, values in enumerate(reader, start=2):
            values = [v.strip() for v in values]
            _bounded(name, number, header, values)
            rows.append(values)
    return Table(name, header, rows)


def _bounded(table: str, number: int, header: list[str], values: list[str]) -> None:
    for position, value in enumerate(values):
        if len(value) > FIELD_CHARS:
            column = header[position] if position < len(header) else f"column {position + 1}"
            raise BadFile(
                f"{table}, row {number}, {column}: {len(value):,} characters (at most {FIELD_CHARS:,})"
            )


def submissions(tables: list[Table]) -> list[Submission]:
    """The submissions of a Kobo or ODK export, each with its repeat group's members.

    The tables' rows are emptied as they are read: a large export's cells and its
    submissions need not be held at once.
    """
    main, *repeats = tables
    columns = set(main.header)
    if "_uuid" in columns:
        key, uuid_column, time_column, parent = (
            "_index",
            "_uuid",
            "_submission_time",
            "_parent_index",
        )
    elif "KEY" in columns:
        key, uuid_column, time_column, parent = "KEY", "KEY", "SubmissionDate", "PARENT_KEY"
    else:
        raise BadFile(
            f"{main.name}: no _uuid (Kobo) or KEY (ODK Central) column; is this an export?"
        )
    found: dict[str, Submission] = {}
    # Each column's field name once: one string per column, not one per cell.
    names = {c: field_name(c) for c in main.header}
    for number, row in enumerate(main.rows, start=2):
        record = dict(zip(main.header, row, strict=False))
        values = {names[c]: v for c, v in record.items() if names[c] in HOUSEHOLD_FIELDS}
        uuid = record.get(uuid_column, "").removeprefix("uuid:")
        found[record.get(key, "") or str(number)] = Submission(
            uuid, record.get(time_column, ""), (main.name, number), values
        )
    main.rows.clear()
    for table in repeats:
        # Other repeat groups a form may carry (visits, documents) are not read.
        if parent not in table.header or "given_name" not in map(field_name, table.header):
            table.rows.clear()
            continue
        names = {c: field_name(c) for c in table.header}
        for number, row in enumerate(table.rows, start=2):
            record = dict(zip(table.header, row, strict=False))
            owner = found.get(record.get(parent, ""))
            values = {names[c]: v for c, v in record.items() if names[c] in MEMBER_FIELDS}
            if owner is not None:
                owner.members.append(Member((table.name, number), values))
        table.rows.clear()
    return list(found.values())
