"""The generated form converts with pyxform, and its names are what the importer reads."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from refuge.fielddata import exports


def test_form_converts_with_pyxform_and_carries_the_import_contract(
    operation, reception_point, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "registration.xlsx"
    call_command("xlsform", "--operation", operation.slug, "--out", str(out))
    result = convert(xlsform=str(out))
    xml = result.xform
    assert "<h:title>Refuge: " in xml
    for name in exports.HOUSEHOLD_FIELDS + exports.MEMBER_FIELDS:
        assert f"/{name}" in xml, name
    # labels in the three languages, and the desk's birth date rule
    assert 'lang="Русский (ru)"' in xml and 'lang="Українська (uk)"' in xml
    assert "Дата народження" in xml and "regex(" in xml
    book = load_workbook(out, read_only=True)
    choices = list(book["choices"].iter_rows(values_only=True))
    suja = [row for row in choices if row[0] == "settlement" and row[3] == "Суджа"]
    assert suja and suja[0][5].startswith("d")  # filtered by its district
    assert ("point", f"p{reception_point.pk}") in {(r[0], r[1]) for r in choices}
