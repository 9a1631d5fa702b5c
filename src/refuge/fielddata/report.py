"""The dry run's report as an XLSX workbook: one row per finding."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from openpyxl import Workbook

from refuge.core.csvcells import spreadsheet_safe
from refuge.fielddata.imports import Report


def write_report(report: Report, out: Path | IO[bytes]) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("report")
    sheet.append(["sheet", "row", "column", "outcome", "message"])
    for f in report.findings:
        sheet.append(
            [spreadsheet_safe(v) for v in (f.sheet, f.row, f.column, f.outcome, f.message)]
        )
    book.save(out)
