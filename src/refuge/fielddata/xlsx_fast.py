"""The cells of a plain .xlsx export with lxml: what openpyxl's read-only mode gives, faster.

openpyxl builds a cell object per cell in Python; reading a 100,000-submission Kobo
export (about four million cells) took it some three minutes. Here lxml parses each
sheet in C and only the values are kept. The same rules as exports._sheets: the
workbook's worksheets in order, each row padded to the sheet's stated size (without
one, to its last cell), missing rows given as empty ones, numbers written as openpyxl would give them to `_text`, a
formula refused. Anything this reader does not know (a stated size not starting at
A1, rows out of order or without their number; dates, booleans or errors in cells; a
DOCTYPE) raises `Unusual`, and
the caller reads the file with openpyxl instead: the result never depends on which
reader took the file.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string, range_boundaries

from refuge.fielddata.exports import MAX_ROWS, BadFile, Table, _bounded, _text

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
ROW, CELL, VALUE, FORMULA = MAIN + "row", MAIN + "c", MAIN + "v", MAIN + "f"
INLINE, TEXT, RUN, DIMENSION = MAIN + "is", MAIN + "t", MAIN + "r", MAIN + "dimension"
SHEET_DATA = MAIN + "sheetData"


class Unusual(Exception):
    """Something openpyxl reads and this reader does not; the caller falls back."""


def _parser_args() -> dict[str, object]:
    # No entities, no DTD, no network, no huge nodes: an export has none of them.
    return {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def _xml(archive: zipfile.ZipFile, name: str) -> etree._Element:
    data = archive.read(name)
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
        raise Unusual("doctype")
    return etree.fromstring(data, etree.XMLParser(**_parser_args()))  # type: ignore[arg-type]


def _rels(archive: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    """The workbook's relationships: id -> (type's last part, path in the archive)."""
    out = {}
    for rel in _xml(archive, "xl/_rels/workbook.xml.rels").iter(PACKAGE_REL + "Relationship"):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        out[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], posixpath.normpath(path))
    return out


def _shared_strings(archive: zipfile.ZipFile, path: str | None) -> list[str]:
    """openpyxl's read_string_table: each item's plain text and its runs' text."""
    if path is None:
        return []
    strings = []
    for item in _xml(archive, path).iter(MAIN + "si"):
        plain = item.find(TEXT)
        parts = [plain.text] if plain is not None and plain.text is not None else []
        parts.extend(
            t.text
            for r in item.iterfind(RUN)
            if (t := r.find(TEXT)) is not None and t.text is not None
        )
        strings.append("".join(parts).replace("x005F_", ""))
    return strings


def _date_styles(archive: zipfile.ZipFile, path: str | None) -> set[int]:
    """Cell styles that make openpyxl read a number as a date or a duration."""
    if path is None:
        return set()
    styles = _xml(archive, path)
    custom = {
        int(f.get("numFmtId", "-1")): f.get("formatCode") for f in styles.iter(MAIN + "numFmt")
    }
    out = set()
    xfs = styles.find(MAIN + "cellXfs")
    for index, xf in enumerate(xfs.iterfind(MAIN + "xf") if xfs is not None else ()):
        number = int(xf.get("numFmtId", "0"))
        fmt = custom.get(number) or BUILTIN_FORMATS.get(number)
        if is_date_format(fmt) or is_timedelta_format(fmt):
            out.add(index)
    return out


def tables(data: bytes) -> list[Table]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    rels = _rels(archive)
    by_type = {kind: path for kind, path in rels.values()}
    strings = _shared_strings(archive, by_type.get("sharedStrings"))
    dates = _date_styles(archive, by_type.get("styles"))
    out = []
    for sheet in _xml(archive, "xl/workbook.xml").iter(MAIN + "sheet"):
        kind, path = rels.get(sheet.get(REL + "id", ""), ("", ""))
        if kind != "worksheet":
            if kind == "chartsheet":
                continue
            raise Unusual(kind)
        out.append(_table(archive, path, sheet.get("name", ""), strings, dates))
    if not out:
        raise Unusual("no worksheets")
    return out


def _table(
    archive: zipfile.ZipFile, path: str, title: str, strings: list[str], dates: set[int]
) -> Table:
    rows = _rows(archive, path, title, strings, dates)
    header = next(rows, [])
    body = []
    for number, values in enumerate(rows, start=2):
        _bounded(title, number, header, values)
        body.append(values)
        if number > MAX_ROWS:
            raise BadFile(f"{title}: more than {MAX_ROWS:,} rows")
    return Table(title, header, body)


def _rows(
    archive: zipfile.ZipFile, path: str, title: str, strings: list[str], dates: set[int]
) -> Iterator[list[str]]:
    """The sheet's rows from row 1 as openpyxl's read-only iter_rows gives them, as text:
    each padded to the stated width, a missing row as an empty one."""
    with archive.open(path) as source:
        head = source.read(4096)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise Unusual("doctype")
    width: int | None = None  # the stated size; without one a row is as wide as its last cell
    last = done = 0
    header: list[str] = []
    columns: dict[str, int] = {}
    # One object per repeated short value (names, dates, places, codes): a 100,000-household
    # export is four million cells, most of them repeats.
    known: dict[str, str] = {}
    with archive.open(path) as source:
        events = etree.iterparse(source, events=("end",), tag=(DIMENSION, ROW), **_parser_args())
        for _, element in events:
            if element.tag == DIMENSION:
                min_col, min_row, max_col, max_row = range_boundaries(element.get("ref", ""))
                if done or (min_col, min_row) != (1, 1) or not max_col or not max_row:
                    raise Unusual("sheet size")
                width, last = max_col, max_row
                continue
            number = int(element.get("r") or 0)
            if number <= done or (width is not None and number > last):
                raise Unusual("rows out of order or beyond the sheet's size")
            cells = []
            for cell in element.iterchildren(CELL):
                letters = (cell.get("r") or "").rstrip("0123456789")
                column = columns.get(letters)
                if column is None:
                    column = columns[letters] = column_index_from_string(letters)
                cells.append((column, cell))
            wide = width if width is not None else cells[-1][0] if cells else 0
            values = [""] * wide
            formulas = next(element.iter(FORMULA), None) is not None
            for column, cell in cells:
                if column > wide:
                    continue
                if formulas and next(cell.iterchildren(FORMULA), None) is not None:
                    if number == 1:
                        raise Unusual("a formula in the header")  # openpyxl keeps its text
                    name = header[column - 1] if column - 1 < len(header) else column
                    raise BadFile(f"{title}, row {number}, {name}: a formula; exports have none")
                text = _value(cell, strings, dates)
                values[column - 1] = known.setdefault(text, text) if len(text) <= 24 else text
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
            while done < number - 1:
                done += 1
                empty = [""] * (width or 0)
                if done == 1:
                    header = empty
                yield empty
            done = number
            if number == 1:
                header = values
            yield values


def _value(cell: etree._Element, strings: list[str], dates: set[int]) -> str:
    """The cell's text as `exports._text` makes it of openpyxl's value."""
    kind = cell.get("t", "n")
    children = cell.getchildren()
    if kind == "inlineStr":
        inline = next((c for c in children if c.tag == INLINE), None)
        if inline is None:
            return ""
        parts = inline.getchildren()
        if len(parts) == 1 and parts[0].tag == TEXT:  # plain text, no runs: most cells
            return _text(parts[0].text or "")
        plain = inline.find(TEXT)
        parts = [plain.text] if plain is not None and plain.text is not None else []
        parts.extend(
            t.text for r in inline.iterfind(RUN) if (t := r.find(TEXT)) is not None and t.text
        )
        return _text("".join(parts))
    value = next((c.text for c in children if c.tag == VALUE), None)
    if not value:
        return ""
    if kind == "s":
        return _text(strings[int(value)])
    if kind == "str":
        return _text(value)
    if kind != "n":
        raise Unusual(f"cell type {kind}")  # booleans, errors, ISO dates
    style = cell.get("s")
    if style and int(style) in dates:
        raise Unusual("a date kept as a number")
    number = float(value) if "." in value or "E" in value or "e" in value else int(value)
    return _text(number)
