"""Shelters and households as CSV and XLSX: the user's language, coordinates, no formulas."""

from __future__ import annotations

import csv
import io

from django.test import Client
from openpyxl import load_workbook

from refuge.audit.models import AuditEvent
from refuge.desks.tests.world import World
from refuge.shelters.models import Shelter


def _national(world: World, lang: str = "en") -> Client:
    client = Client(headers={"accept-language": lang})
    client.force_login(world.users["national"])
    return client


def _csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel opens it as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_shelters_file_has_russian_headers_region_names_and_coordinates(
    world: World,
) -> None:
    Shelter.objects.filter(pk=world.shelter_a.pk).update(lat=51.7309, lon=36.1926)
    rows = _csv(_national(world, "ru").get("/desk/shelters/export.csv"))
    header = rows[0]
    first = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}[str(world.shelter_a.pk)]
    assert header[:3] == ["Номер", "ПВР", "Регион"]
    assert first["Регион"] == "Курская область"
    assert (first["Широта"], first["Долгота"]) == ("51.7309", "36.1926")
    assert first["Доступ для колясок"] == "да"


def test_a_shelter_named_like_a_formula_is_exported_as_text(world: World) -> None:
    Shelter.objects.filter(pk=world.shelter_a.pk).update(
        name='=HYPERLINK("http://evil.example","Школа №3")', address="-1+2 @ул. Мира"
    )
    rows = _csv(_national(world).get("/desk/shelters/export.csv"))
    named = {r[0]: r for r in rows[1:]}[str(world.shelter_a.pk)]
    assert named[1] == '\'=HYPERLINK("http://evil.example","Школа №3")'
    assert named[5] == "'-1+2 @ул. Мира"
    book = load_workbook(io.BytesIO(_national(world).get("/desk/shelters/export.xlsx").content))
    cells = [[c.value for c in r] for r in book.active.iter_rows()]
    xl = {r[0]: r for r in cells[1:]}[world.shelter_a.pk]
    assert xl[1].startswith("'=") and xl[6] == world.shelter_a.lat  # numbers stay numbers


def test_the_households_file_lists_each_household_with_its_shelter(world: World) -> None:
    rows = _csv(_national(world, "uk").get("/desk/households/export.csv"))
    assert rows[0][:4] == ["Родина", "Дата реєстрації", "Пункт прийому", "Осіб"]
    by_number = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    a = by_number[str(world.household_a.pk)]
    assert a["Осіб"] == "2" and a["ПТР"] == "Shelter A"
    assert a["Регіон ПТР"] == "Курська область"
    assert a["Широта"] == str(world.shelter_a.lat)
    assert "Ivanova" not in str(rows) and "Anna0" not in str(rows)  # no names in the file
    assert AuditEvent.objects.filter(action="export", object_type="household").count() == 1


def test_a_regional_coordinator_exports_only_the_households_they_see(world: World) -> None:
    client = Client()
    client.force_login(world.users["regional"])
    rows = _csv(client.get("/desk/households/export.csv"))
    assert [r[0] for r in rows[1:]] == [str(world.household_a.pk)]
    assert client.get("/desk/households/export.pdf").status_code == 404
