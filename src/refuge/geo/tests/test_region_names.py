"""Regions read in English as English readers write them, not as ISO romanises them."""

from __future__ import annotations

import importlib
import re

import pycountry
from django.apps import apps
from django.test import Client
from django.utils import translation

from refuge.geo.gazetteer import load_regions
from refuge.geo.models import Region
from refuge.geo.selectors import region_choices

ROMANISED = re.compile(r"(skaya|skiy|oblast'|Respublika|avtonomn|kray\b)")


def test_every_russian_and_ukrainian_region_has_a_proper_english_name(db):
    load_regions()
    names = dict(Region.objects.values_list("code", "name_en"))
    codes = {s.code for c in ("RU", "UA") for s in pycountry.subdivisions.get(country_code=c)}
    assert codes <= set(names)
    assert not {code: n for code, n in names.items() if ROMANISED.search(n)}
    assert names["RU-KRS"] == "Kursk Oblast"
    assert names["RU-MOW"] == "Moscow" and names["RU-MOS"] == "Moscow Oblast"
    assert names["RU-TA"] == "Republic of Tatarstan"
    assert names["UA-32"] == "Kyiv Oblast" and names["UA-30"] == "Kyiv"
    assert names["RU-BEL"] == "Belgorod Oblast"


def test_russian_and_ukrainian_readers_keep_their_own_names(db):
    load_regions()
    with translation.override("ru"):
        assert ("Курская область") in {n for _, n in region_choices()}
    with translation.override("uk"):
        assert ("Курська область") in {n for _, n in region_choices()}
    with translation.override("en"):
        assert "Republic of Tatarstan" in {n for _, n in region_choices()}


def test_the_migration_renames_regions_loaded_with_romanised_names(db):
    Region.objects.create(code="RU-KRS", country="RU", name_en="Kurskaya oblast'")
    Region.objects.create(code="RU-TA", country="RU", name_en="Tatarstan, Respublika")
    migration = importlib.import_module("refuge.geo.migrations.0002_regions_named_in_english")
    migration.rename(apps, None)
    names = dict(Region.objects.values_list("code", "name_en"))
    assert names == {"RU-KRS": "Kursk Oblast", "RU-TA": "Republic of Tatarstan"}


def test_the_registration_form_offers_the_english_names(db):
    from refuge.desks.tests.world import build_world

    world = build_world()
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.users["registrar_a"])
    page = client.get("/desk/register/").content.decode()
    assert ">Kursk Oblast<" in page and ">Republic of Tatarstan<" in page
    assert "Kurskaya" not in page
