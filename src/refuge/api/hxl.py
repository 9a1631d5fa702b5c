"""Open data as HXL-tagged CSV (https://hxlstandard.org): shelters, the situation report by
region, and displacement by district of origin, as of any moment.

Every figure comes from the same selectors as the situation report (the ledger, counted
as of T), aggregated: a shelter's row carries its name, place and counts, never a person.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime

from refuge.core.csvcells import spreadsheet_safe
from refuge.geo.models import Region
from refuge.operations.models import Operation
from refuge.reports.selectors import sitrep, sitrep_input
from refuge.shelters.models import Shelter

Table = tuple[list[str], list[str], list[list[object]]]  # headers, hashtags, rows


def shelters(operation: Operation, as_of: datetime) -> Table:
    states = {s.shelter_id: s for s in sitrep_input(operation, as_of).shelters}
    rows = []
    for shelter in Shelter.objects.filter(operation=operation).select_related("region", "district"):
        state = states.get(shelter.pk)
        if state is None or state.status == "unknown":
            continue  # not yet recorded by then
        rows.append([
            shelter.region.name_en, shelter.region.code,
            shelter.district.name_en if shelter.district else "", shelter.name,
            round(shelter.lat, 5), round(shelter.lon, 5), state.status, state.capacity,
            state.occupants, as_of.date().isoformat(),
        ])  # fmt: skip
    return (
        ["Region", "Region code", "District", "Shelter", "Latitude", "Longitude", "Status",
         "Capacity", "Sheltered", "Date"],
        ["#adm1+name", "#adm1+code", "#adm2+name", "#loc+name", "#geo+lat", "#geo+lon",
         "#status", "#capacity", "#affected+sheltered", "#date"],
        rows,
    )  # fmt: skip


def by_region(operation: Operation, as_of: datetime) -> Table:
    report = sitrep(operation, as_of)
    rows = [
        [line.name, line.region, line.open, line.capacity, line.occupants, line.standby,
         as_of.date().isoformat()]
        for line in report.by_region
    ]  # fmt: skip
    return (
        ["Region", "Region code", "Open shelters", "Capacity", "Sheltered", "Standby shelters",
         "Date"],
        ["#adm1+name", "#adm1+code", "#loc+shelter+open+num", "#capacity", "#affected+sheltered",
         "#loc+shelter+standby+num", "#date"],
        rows,
    )  # fmt: skip


def displacement(operation: Operation, as_of: datetime) -> Table:
    report = sitrep(operation, as_of)
    region = Region.objects.get(code=report.affected_region)
    rows = [
        [region.name_en, region.code, line.district, line.relocated_total,
         as_of.date().isoformat()]
        for line in report.evacuation.by_district
    ]  # fmt: skip
    return (
        ["Region", "Region code", "District of origin", "Displaced", "Date"],
        ["#adm1+name", "#adm1+code", "#adm2+name", "#affected+displaced", "#date"],
        rows,
    )


TABLES: dict[str, Callable[[Operation, datetime], Table]] = {
    "shelters": shelters,
    "sitrep": by_region,
    "displacement": displacement,
}


def as_csv(table: Table) -> str:
    headers, tags, rows = table
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerow(tags)
    writer.writerows([[spreadsheet_safe(v) for v in r] for r in rows])
    return out.getvalue()
