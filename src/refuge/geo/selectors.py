"""Reads of the gazetteer that every registration page needs, cached per language.

The gazetteer changes when data is loaded, not while desks work, so each server
process keeps the lists for a few minutes instead of reading and labelling some two
hundred rows for every page (docs/PERFORMANCE.md, "Registration desk").
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils.translation import get_language

from refuge.core.names.collation import name_sort_key
from refuge.geo.models import Region, Settlement

CACHE_SECONDS = 300


def settlement_label(s: Settlement) -> str:
    """How a settlement is shown and typed: its name and, in brackets, its district."""
    return f"{s.name} ({s.district.name})"


def settlement_labels() -> list[str]:
    """Every settlement's label in the active language, alphabetically."""
    return cache.get_or_set(_key("settlement-labels"), _settlement_labels, CACHE_SECONDS)


def region_choices() -> list[tuple[int, str]]:
    """(pk, name) of every region in the active language, in that language's alphabetical
    order (by ISO code, Чеченская came after Бурятия)."""
    return cache.get_or_set(_key("region-choices"), _region_choices, CACHE_SECONDS)


def _key(what: str) -> str:
    return f"geo:{what}:{(get_language() or 'en')[:2]}"


def _settlement_labels() -> list[str]:
    rows = Settlement.objects.select_related("district").order_by("name_en")
    return [settlement_label(s) for s in rows]


def _region_choices() -> list[tuple[int, str]]:
    language = get_language() or "en"
    regions = [(r.pk, r.name) for r in Region.objects.all()]
    return sorted(regions, key=lambda choice: name_sort_key(choice[1], language))
