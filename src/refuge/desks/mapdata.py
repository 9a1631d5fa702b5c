"""Selectors for the map: the shelters an actor may see and the evacuated areas, as GeoJSON.

Nothing personal is on the map: shelters with their places, and the districts and
settlements the operation's orders cover, from the gazetteer. Shelters come from
`shelters_for`, so a shelter manager's map shows their shelters only. Areas are the
operation's public orders, the same for every role that sees the map.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from refuge.accounts.scope import Actor, shelters_for
from refuge.core.hull import ring
from refuge.geo.gazetteer import state_border
from refuge.geo.models import District, Settlement
from refuge.operations.models import EvacuationOrder
from refuge.operations.selectors import covered_settlements, orders_in_effect
from refuge.shelters.models import Shelter, Status

Feature = dict[str, Any]
#: share of places taken (or reserved) from which a shelter is drawn as filling up
FILLING = 0.75


def map_features(actor: Actor) -> dict[str, Any]:
    """One GeoJSON FeatureCollection; each feature's `layer` says what it is."""
    areas = _area_features(actor)
    # The gazetteer's border is Kursk oblast's: it orients a map of evacuated areas there.
    border = [_border()] if areas else []
    return {"type": "FeatureCollection", "features": [*border, *areas, *_shelter_features(actor)]}


def occupancy_class(s: Shelter) -> str:
    """How a shelter is coloured: free, filling, full, or standby (not taking anyone)."""
    if s.status in (Status.STANDBY, Status.CLOSED):
        return "standby"
    taken = s.occupancy + s.reserved
    if s.status == Status.FULL or taken >= s.capacity:
        return "full"
    return "filling" if taken >= FILLING * s.capacity else "free"


def _shelter_features(actor: Actor) -> list[Feature]:
    shelters = shelters_for(actor).select_related("region").order_by("name", "pk")
    return [_point(s.lon, s.lat, _shelter_properties(s)) for s in shelters]


def _shelter_properties(s: Shelter) -> dict[str, Any]:
    places = ngettext(
        "%(free)s free of %(capacity)s place",
        "%(free)s free of %(capacity)s places",
        s.capacity,
    ) % {"free": s.free, "capacity": s.capacity}
    return {
        "layer": "shelter",
        "id": s.pk,
        "name": s.name,
        "region": s.region.name,
        "status": s.status,
        "class": occupancy_class(s),
        "capacity": s.capacity,
        "occupancy": s.occupancy,
        "reserved": s.reserved,
        "free": s.free,
        "wheelchair": s.wheelchair_access,
        "summary": [places, _("Wheelchair access") if s.wheelchair_access else ""],
        "url": reverse("desk_shelter", args=[s.pk]),
        "link": _("Open the shelter desk"),
    }


def evacuated(actor: Actor) -> tuple[dict[int, datetime], dict[int, str]]:
    """Settlements the orders in effect cover: since when, and the strongest order's kind."""
    m = actor.membership
    if m is None:
        return {}, {}
    since: dict[int, datetime] = {}
    kind: dict[int, str] = {}
    for order in orders_in_effect(m.operation, timezone.now()).order_by("effective_at", "pk"):
        for pk in covered_settlements(order).values_list("pk", flat=True):
            since.setdefault(pk, order.effective_at)
            if kind.get(pk) != EvacuationOrder.Kind.MANDATORY:
                kind[pk] = order.kind
    return since, kind


def evacuated_districts(since: dict[int, datetime]) -> list[tuple[District, datetime, int]]:
    """Districts with settlements under orders: the district, since when, how many places."""
    settlements = Settlement.objects.filter(pk__in=since).select_related("district")
    rows: dict[int, tuple[District, datetime, int]] = {}
    for s in settlements:
        d, first, n = rows.get(s.district_id, (s.district, since[s.pk], 0))
        rows[s.district_id] = (d, min(first, since[s.pk]), n + 1)
    return sorted(rows.values(), key=lambda r: (r[1], r[0].name))


def _area_features(actor: Actor) -> list[Feature]:
    since, kind = evacuated(actor)
    if not since:
        return []
    covered = list(Settlement.objects.filter(pk__in=since).select_related("district"))
    features = [_district_feature(d, first, n) for d, first, n in evacuated_districts(since)]
    features += [
        _point(
            s.lon,
            s.lat,
            {
                "layer": "settlement",
                "name": s.name,
                "district": s.district.name,
                "kind": kind[s.pk],
                "summary": [s.district.name, _since(since[s.pk])],
            },
        )
        for s in covered
    ]
    return features


def _district_feature(d: District, first: datetime, covered: int) -> Feature:
    known = [(s.lon, s.lat) for s in d.settlements.all()] + [(d.lon, d.lat)]
    outline = ring(known)
    properties = {
        "layer": "district",
        "name": d.name,
        "summary": [
            _since(first),
            ngettext(
                "%(n)s settlement under orders",
                "%(n)s settlements under orders",
                covered,
            )
            % {"n": covered},
        ],
    }
    if outline is None:
        return _point(d.lon, d.lat, properties)
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in outline]]},
        "properties": properties,
    }


def _since(at: datetime) -> str:
    local = timezone.localtime(at)
    return _("evacuated since %(date)s") % {"date": local.strftime("%Y-%m-%d")}


def _border() -> Feature:
    return {
        "type": "Feature",
        "geometry": {
            "type": "LineString",
            "coordinates": [[lon, lat] for lat, lon in state_border()],
        },
        "properties": {"layer": "border", "name": _("State border")},
    }


def _point(lon: float, lat: float, properties: dict[str, Any]) -> Feature:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        "properties": properties,
    }
