"""Sanity checks of the gazetteer CSVs in src/refuge/geo/data (no Django)."""

import csv
import pathlib

import pycountry
import pytest

from refuge.core.geodesy import distance_to_polyline_km, great_circle_km

DATA = pathlib.Path(__file__).resolve().parent.parent / "src" / "refuge" / "geo" / "data"

KURSK_BOX = (50.8, 52.5, 34.0, 38.6)  # lat min, lat max, lon min, lon max
COUNTRY_BOX = {"RU": (41.0, 82.0, 19.0, 180.0), "UA": (44.0, 52.5, 22.0, 40.5)}


def read(name):
    with open(DATA / name, encoding="utf-8", newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    return list(csv.DictReader(lines))


def in_box(lat, lon, box):
    return box[0] <= float(lat) <= box[1] and box[2] <= float(lon) <= box[3]


def km(a, b):
    return great_circle_km(a, b)


def border_km(pt, border):
    return distance_to_polyline_km(pt, border)


def test_headers_exact():
    def header(name):
        with open(DATA / name, encoding="utf-8") as f:
            return next(line for line in f if not line.startswith("#")).strip()

    assert (
        header("kursk_districts.csv") == "slug,name_en,name_ru,name_uk,centre_ru,lat,lon,evacuated"
    )
    assert (
        header("kursk_settlements.csv")
        == "district_slug,name_en,name_ru,name_uk,kind,lat,lon,population"
    )
    assert header("ua_border_kursk.csv") == "lat,lon"
    assert (
        header("region_capitals.csv")
        == "code,name_en,name_ru,name_uk,capital_en,capital_ru,lat,lon"
    )
    assert (
        header("evacuation_orders_kursk_2024.csv")
        == "date,kind,scope,districts,within_km,settlements,note"
    )


def test_districts():
    rows = read("kursk_districts.csv")
    slugs = [r["slug"] for r in rows]
    assert len(rows) >= 28 and len(set(slugs)) == len(slugs)
    assert len([r for r in rows if r["slug"].endswith("sky")]) == 28
    evac = {r["slug"] for r in rows if r["evacuated"] == "1"}
    assert len(evac) == 9
    assert {
        "sudzhansky",
        "korenevsky",
        "belovsky",
        "glushkovsky",
        "rylsky",
        "khomutovsky",
        "bolshesoldatsky",
        "lgovsky",
    } <= evac
    assert all(r["evacuated"] in ("0", "1") for r in rows)
    for r in rows:
        assert in_box(r["lat"], r["lon"], KURSK_BOX), r


def test_settlements():
    districts = {r["slug"]: r for r in read("kursk_districts.csv")}
    rows = read("kursk_settlements.csv")
    assert len(rows) >= 100
    for r in rows:
        assert r["district_slug"] in districts, r
        assert districts[r["district_slug"]]["evacuated"] == "1", r
        assert r["kind"] in ("city", "town", "village"), r
        assert r["name_ru"] and r["name_en"], r
        assert in_box(r["lat"], r["lon"], KURSK_BOX), r
        assert r["population"] == "" or int(r["population"]) >= 0
        d = districts[r["district_slug"]]
        assert km((float(r["lat"]), float(r["lon"])), (float(d["lat"]), float(d["lon"]))) < 45, r
    keys = [(r["district_slug"], r["name_ru"]) for r in rows]
    assert len(set(keys)) == len(keys)


def test_border():
    pts = [(float(r["lat"]), float(r["lon"])) for r in read("ua_border_kursk.csv")]
    assert 30 <= len(pts) <= 80
    for p in pts:
        assert in_box(p[0], p[1], (50.8, 52.0, 33.9, 35.6)), p
    assert pts[0][0] > pts[-1][0]  # north-west to south-east
    assert all(km(a, b) < 25 for a, b in zip(pts, pts[1:], strict=False))
    s = {r["name_ru"]: (float(r["lat"]), float(r["lon"])) for r in read("kursk_settlements.csv")}
    for name in ("Теткино", "Гуево", "Плехово", "Суджа"):
        assert 0.5 <= border_km(s[name], pts) <= 15, name
    kursk = {r["slug"]: r for r in read("kursk_districts.csv")}["kursk"]
    assert border_km((float(kursk["lat"]), float(kursk["lon"])), pts) > 85


def test_orders():
    slugs = {r["slug"] for r in read("kursk_districts.csv")}
    rows = read("evacuation_orders_kursk_2024.csv")
    assert rows
    for r in rows:
        assert r["kind"] in ("mandatory", "voluntary")
        assert r["scope"] in ("district", "settlements", "border_band")
        assert r["date"][:4] == "2024"
        assert set(r["districts"].split(";")) <= slugs, r
        if r["scope"] == "border_band":
            assert float(r["within_km"]) > 0
        if r["scope"] == "settlements":
            assert r["settlements"]


@pytest.mark.parametrize("cc", ["RU", "UA"])
def test_region_capitals(cc):
    rows = {r["code"]: r for r in read("region_capitals.csv")}
    codes = {s.code for s in pycountry.subdivisions if s.country_code == cc}
    assert codes and codes <= set(rows)
    for code in codes:
        r = rows[code]
        assert r["capital_en"] and r["capital_ru"] and r["name_ru"] and r["name_uk"], r
        assert in_box(r["lat"], r["lon"], COUNTRY_BOX[cc]), r
