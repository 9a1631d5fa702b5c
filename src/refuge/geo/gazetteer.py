"""Loads the gazetteer shipped in geo/data: regions, Kursk oblast's districts and settlements.

The CSV files carry their sources in `#` comment lines (geo/data/SOURCES.md).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pycountry
from django.db import transaction

from refuge.core.geodesy import distance_to_polyline_km
from refuge.geo.models import District, Region, Settlement

DATA = Path(__file__).resolve().parent / "data"
COUNTRIES = ("RU", "UA")


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a CSV file whose leading `#` lines are comments."""
    with path.open(encoding="utf-8", newline="") as f:
        yield from csv.DictReader(line for line in f if not line.startswith("#"))


def state_border(name: str = "ua_border_kursk.csv") -> list[tuple[float, float]]:
    return [(float(r["lat"]), float(r["lon"])) for r in read_rows(DATA / name)]


@transaction.atomic
def load_regions() -> int:
    """Every ISO 3166-2 subdivision of Russia and Ukraine, with its capital's coordinates."""
    capitals = {r["code"]: r for r in read_rows(DATA / "region_capitals.csv")}
    existing = set(Region.objects.values_list("code", flat=True))
    new = []
    for country in COUNTRIES:
        for sub in pycountry.subdivisions.get(country_code=country) or ():
            if sub.code in existing:
                continue
            cap = capitals.get(sub.code, {})
            new.append(
                Region(
                    code=sub.code,
                    country=country,
                    name_en=cap.get("name_en") or sub.name,
                    name_ru=cap.get("name_ru", ""),
                    name_uk=cap.get("name_uk", ""),
                    capital=cap.get("capital_en", ""),
                    lat=float(cap["lat"]) if cap.get("lat") else None,
                    lon=float(cap["lon"]) if cap.get("lon") else None,
                )
            )
    Region.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def load_kursk_oblast() -> tuple[int, int]:
    """Kursk oblast's districts and the settlements of its border districts."""
    region = Region.objects.get(code="RU-KRS")
    if region.districts.exists():
        return 0, 0
    districts = {}
    for row in read_rows(DATA / "kursk_districts.csv"):
        districts[row["slug"]] = District.objects.create(
            region=region,
            slug=row["slug"],
            name_en=row["name_en"],
            name_ru=row["name_ru"],
            name_uk=row["name_uk"],
            centre=row.get("centre_ru", ""),
            lat=float(row["lat"]),
            lon=float(row["lon"]),
        )
    border = state_border()
    settlements = [
        Settlement(
            district=districts[row["district_slug"]],
            name_en=row["name_en"],
            name_ru=row["name_ru"],
            name_uk=row.get("name_uk", ""),
            kind=row["kind"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            population=int(row["population"]) if row.get("population") else None,
            border_km=round(
                distance_to_polyline_km((float(row["lat"]), float(row["lon"])), border), 2
            ),
        )
        for row in read_rows(DATA / "kursk_settlements.csv")
    ]
    Settlement.objects.bulk_create(settlements)
    return len(districts), len(settlements)


def evacuated_district_slugs() -> list[str]:
    return [r["slug"] for r in read_rows(DATA / "kursk_districts.csv") if r["evacuated"] == "1"]
