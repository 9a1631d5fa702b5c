"""Warning areas from the gazetteer, written as CAP areas: circles or a polygon round the
settlements, plus the region's ISO 3166-2 geocode that aggregators route by."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from refuge.core import cap
from refuge.core.geodesy import great_circle_km
from refuge.core.hull import ring
from refuge.geo.models import District, Region, Settlement
from refuge.operations.models import EvacuationOrder
from refuge.operations.selectors import covered_settlements
from refuge.shelters.models import Shelter, Status

ISO = "ISO 3166-2"
# Without boundaries in the gazetteer, a region or a settlement is a circle round its centre.
REGION_KM = 60.0
CITY_KM, TOWN_KM, VILLAGE_KM = 10.0, 5.0, 2.0
DISTRICT_KM = 15.0


class UnknownArea(LookupError):
    pass


@dataclass(frozen=True)
class Place:
    key: str  # "region:UA-61", "district:1000004", "settlement:1000017"
    region: str  # ISO 3166-2
    names: dict[str, str]  # en/ru/uk
    area: cap.Area

    def in_language(self, lang: str) -> cap.Area:
        a = self.area
        return cap.Area(self.names[lang], a.polygons, a.circles, a.geocodes)


def _names(obj: Region | District | Settlement) -> dict[str, str]:
    return {
        "en": obj.name_en,
        "ru": obj.name_ru or obj.name_en,
        "uk": obj.name_uk or obj.name_ru or obj.name_en,
    }


def place(key: str) -> Place:
    kind, _, ident = key.partition(":")
    try:
        if kind == "order":
            return order_place(EvacuationOrder.objects.get(pk=int(ident)))
        if kind == "circle":
            return circle_place(*(float(x) for x in ident.split(",")))
        if kind == "band":
            code, _, km = ident.partition(",")
            return band_place(Region.objects.get(code=code), float(km))
        if kind == "region":
            r = Region.objects.get(code=ident)
            circles = (cap.Circle(r.lat, r.lon, REGION_KM),) if r.lat is not None else ()
            return Place(key, r.code, _names(r), cap.Area("", (), circles, ((ISO, r.code),)))
        if kind == "district":
            d = District.objects.select_related("region").get(pk=int(ident))
            points = [(s.lat, s.lon) for s in d.settlements.all()]
            hull = ring(points) if len(points) >= 3 else None
            shape = (
                cap.Area("", (tuple(hull),))
                if hull
                else cap.Area("", (), (cap.Circle(d.lat, d.lon, DISTRICT_KM),))
            )
            return Place(
                key,
                d.region.code,
                _names(d),
                cap.Area("", shape.polygons, shape.circles, ((ISO, d.region.code),)),
            )
        if kind == "settlement":
            s = Settlement.objects.select_related("district__region").get(pk=int(ident))
            km = {"city": CITY_KM, "town": TOWN_KM}.get(s.kind, VILLAGE_KM)
            code = s.district.region.code
            circles = (cap.Circle(s.lat, s.lon, km),)
            return Place(key, code, _names(s), cap.Area("", (), circles, ((ISO, code),)))
    except (
        Region.DoesNotExist,
        District.DoesNotExist,
        Settlement.DoesNotExist,
        EvacuationOrder.DoesNotExist,
        ValueError,
    ):
        pass
    raise UnknownArea(key)


CIRCLE_NAMES = {
    "en": "within {km} km of {lat}, {lon}",
    "ru": "в радиусе {km} км от {lat}, {lon}",
    "uk": "у радіусі {km} км від {lat}, {lon}",
}
BAND_NAMES = {
    "en": "{region}: within {km} km of the state border",
    "ru": "{region}: в пределах {km} км от государственной границы",
    "uk": "{region}: у межах {km} км від державного кордону",
}


def circle_place(lat: float, lon: float, km: float) -> Place:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 < km <= 500):
        raise ValueError("circle out of range")
    region = nearest_region(lat, lon)
    names = {lang: t.format(km=f"{km:g}", lat=f"{lat:.4f}", lon=f"{lon:.4f}")
             for lang, t in CIRCLE_NAMES.items()}  # fmt: skip
    geocodes = ((ISO, region.code),) if region else ()
    area = cap.Area("", (), (cap.Circle(lat, lon, km),), geocodes)
    return Place(f"circle:{lat},{lon},{km}", region.code if region else "", names, area)


def nearest_region(lat: float, lon: float) -> Region | None:
    regions = Region.objects.filter(lat__isnull=False)
    return min(regions, key=lambda r: great_circle_km((lat, lon), (r.lat, r.lon)), default=None)  # type: ignore[arg-type]


def band_place(region: Region, km: float) -> Place:
    """The region's settlements within `km` of the state border, as their hull."""
    if not 0 < km <= 200:
        raise ValueError("band out of range")
    inside = Settlement.objects.filter(district__region=region, border_km__lte=km)
    points = [(s.lat, s.lon) for s in inside]
    hull = ring(points)
    if hull:
        area = cap.Area("", (tuple(hull),), (), ((ISO, region.code),))
    elif points:
        area = cap.Area("", (), (cap.Circle(*points[0], VILLAGE_KM),), ((ISO, region.code),))
    else:
        raise UnknownArea(f"band:{region.code},{km}")
    names = {lang: t.format(region=_names(region)[lang], km=f"{km:g}")
             for lang, t in BAND_NAMES.items()}  # fmt: skip
    return Place(f"band:{region.code},{km}", region.code, names, area)


def choices(region: Region) -> list[tuple[str, str]]:
    """The areas a duty officer picks from: the region, its districts, its towns, a
    border band or a circle (their sizes in the form's own fields)."""
    out = [(f"region:{region.code}", region.name), ("band", _("Border band (km below)")),
           ("circle", _("Circle round a point (below)"))]  # fmt: skip
    for d in region.districts.order_by("name_en"):
        out.append((f"district:{d.pk}", f"— {d.name}"))
    towns = Settlement.objects.filter(district__region=region).exclude(kind="village")
    for s in towns.select_related("district").order_by("name_en"):
        out.append((f"settlement:{s.pk}", f"— — {s.name} ({s.district.name})"))
    return out


def order_place(order: EvacuationOrder) -> Place:
    """Exactly the order's area: a polygon round the settlements it covers (a circle round
    a lone one), named by its districts or settlements."""
    settlements = list(covered_settlements(order).select_related("district__region"))
    if not settlements:
        raise UnknownArea(f"order:{order.pk}")
    named = list(order.districts.all()) or settlements
    names = {
        lang: ", ".join(sorted({_names(x)[lang] for x in named}))[:300]
        for lang in ("en", "ru", "uk")
    }
    codes = sorted({s.district.region.code for s in settlements})
    hull = ring([(s.lat, s.lon) for s in settlements])
    if hull:
        shape = cap.Area("", (tuple(hull),), (), tuple((ISO, c) for c in codes))
    else:
        s0 = settlements[0]
        shape = cap.Area("", (), (cap.Circle(s0.lat, s0.lon, VILLAGE_KM),),
                         tuple((ISO, c) for c in codes))  # fmt: skip
    return Place(f"order:{order.pk}", codes[0], names, shape)


def nearest_open_shelters(order: EvacuationOrder, count: int = 3) -> list[tuple[Shelter, float]]:
    """The operation's open shelters nearest the middle of the order's settlements."""
    points = [(s.lat, s.lon) for s in covered_settlements(order)]
    if not points:
        return []
    middle = (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
    shelters = Shelter.objects.filter(operation=order.operation, status=Status.OPEN)
    ranked = sorted(
        ((s, great_circle_km(middle, (s.lat, s.lon))) for s in shelters), key=lambda x: x[1]
    )
    return ranked[:count]
