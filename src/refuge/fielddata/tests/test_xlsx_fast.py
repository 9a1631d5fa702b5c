"""The plain .xlsx reader gives exactly the tables openpyxl gives, or steps aside."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from refuge.fielddata import exports, xlsx_fast
from refuge.fielddata.tests import exportfiles


def _tables(tables: list[exports.Table]) -> list[tuple[str, list[str], list[list[str]]]]:
    return [(t.name, t.header, t.rows) for t in tables]


def test_a_kobo_export_reads_the_same_as_with_openpyxl(tmp_path: Path) -> None:
    rows = exportfiles.households(40, ["s1", "s2"], "p1")
    data = exportfiles.kobo_xlsx(tmp_path / "kobo.xlsx", rows).read_bytes()
    fast = xlsx_fast.tables(data)
    assert _tables(fast) == _tables(exports._sheets(data))
    assert fast[0].rows[0][fast[0].header.index("_uuid")] == str(rows[0].key)


def test_numbers_gaps_and_spaces_read_as_openpyxl_gives_them(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Лист 1"
    sheet.append(["Фамилия", "Возраст", "Вес", "Примечание"])
    sheet.append(["  Иванова ", 71, 2.5, 3.0])
    sheet["C5"] = "через строку"
    sheet["F7"] = 1e20
    book.save(tmp_path / "list.xlsx")
    data = (tmp_path / "list.xlsx").read_bytes()
    fast = xlsx_fast.tables(data)
    assert _tables(fast) == _tables(exports._sheets(data))
    assert fast[0].rows[0][:4] == ["Иванова", "71", "2.5", "3"]


@pytest.mark.parametrize("value", [dt.datetime(2024, 8, 6, 10, 0), True])
def test_a_date_or_a_boolean_in_a_cell_is_left_to_openpyxl(tmp_path: Path, value: object) -> None:
    book = openpyxl.Workbook()
    book.active.append(["_uuid", "when"])
    book.active.append(["x", value])
    book.save(tmp_path / "odd.xlsx")
    data = (tmp_path / "odd.xlsx").read_bytes()
    with pytest.raises(xlsx_fast.Unusual):
        xlsx_fast.tables(data)
    assert exports._xlsx(data)[0].rows == exports._sheets(data)[0].rows


def test_a_formula_below_the_header_is_refused_naming_row_and_column(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["_uuid", "household/phone"])
    book.active.append(["x", "=1+1"])
    book.save(tmp_path / "formula.xlsx")
    with pytest.raises(exports.BadFile, match=r"Sheet, row 2, household/phone: a formula"):
        xlsx_fast.tables((tmp_path / "formula.xlsx").read_bytes())
