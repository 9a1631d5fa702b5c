"""HXL open data: libhxl reads every export, the hashtags are the standard ones, the
figures are the ledger's as of T, and no person's name leaves."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import hxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from refuge.api.tests.helpers import bearer, token_for
from refuge.desks.tests.world import World
from refuge.shelters.actions import Arrival, do_check_in

SCHEMA = [
    ["#valid_tag", "#valid_required", "#valid_datatype", "#valid_value+min"],
    ["#adm1+code", "true", "", ""],
    ["#date", "true", "date", ""],
    ["#capacity", "", "number", "0"],
    ["#affected+sheltered", "", "number", "0"],
    ["#affected+displaced", "", "number", "0"],
]


def _read(text: str, tmp_path: Path) -> hxl.Dataset:
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    report = hxl.validate(hxl.data(str(path), hxl.InputOptions(allow_local=True)), SCHEMA)
    assert report["is_valid"], report
    return hxl.data(str(path), hxl.InputOptions(allow_local=True))


def _export(table: str, *extra: str) -> str:
    out = StringIO()
    call_command("export", "hxl", table, *extra, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("table", ["shelters", "sitrep", "displacement"])
def test_every_export_reads_and_validates_with_libhxl(world: World, table: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = _read(_export(table), tmp_path)
    tags = {column.display_tag for column in data.columns}
    assert {"#adm1+code", "#adm1+name", "#date"} <= tags
    text = _export(table)
    assert "Ivanova" not in text and "Petrova" not in text and "Anna" not in text


def test_shelters_carry_occupancy_as_of_the_moment_asked(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    arrived = timezone.now() - timedelta(minutes=30)
    do_check_in([Arrival(world.household_a, world.shelter_a, arrived, reserved=True)])
    before = (arrived - timedelta(minutes=1)).isoformat()
    now = {r.get("#loc+name"): r.get("#affected+sheltered")
           for r in _read(_export("shelters"), tmp_path)}  # fmt: skip
    then = {r.get("#loc+name"): r.get("#affected+sheltered")
            for r in _read(_export("shelters", "--as-of", before), tmp_path)}  # fmt: skip
    assert now == {"Shelter A": "2", "Shelter B": "0"}
    assert then == {"Shelter A": "0", "Shelter B": "0"}


def test_the_api_serves_the_same_table_as_a_download(world: World) -> None:
    client = bearer(token_for(world.users["manager"]))
    response = client.get("/api/v1/open-data/displacement/", {"format": "hxl"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="test-op-displacement-')
    assert response.content.decode() == _export("displacement")
    rows = client.get("/api/v1/open-data/displacement/").json()
    assert rows["hashtags"][3] == "#affected+displaced"
