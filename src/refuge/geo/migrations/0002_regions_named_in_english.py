"""Regions loaded before their English names existed carry ISO's romanisations
("Kurskaya oblast'"): give them the names English readers use (data/region_names_en.csv)."""

import csv
from pathlib import Path

from django.db import migrations

TABLE = Path(__file__).resolve().parent.parent / "data" / "region_names_en.csv"


def english_names() -> dict[str, str]:
    with TABLE.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {r["code"]: r["name_en"] for r in rows}


def rename(apps, schema_editor):  # type: ignore[no-untyped-def]
    Region = apps.get_model("geo", "Region")
    names = english_names()
    regions = list(Region.objects.filter(code__in=names))
    for region in regions:
        region.name_en = names[region.code]
    Region.objects.bulk_update(regions, ["name_en"])


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]

    # Going back keeps the English names: nothing depends on the romanisations.
    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
