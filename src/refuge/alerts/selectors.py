"""Reads of the alerts app. Warnings hold no personal data: the public ones are public."""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from refuge.alerts.models import Alert, RegionAlarm
from refuge.geo.models import Region
from refuge.operations.models import EvacuationOrder

PUBLISHED = (Alert.State.RELEASED, Alert.State.IMPORTED)


def published() -> QuerySet[Alert]:
    return Alert.objects.filter(state__in=PUBLISHED, sent__isnull=False)


def in_force(at: datetime) -> QuerySet[Alert]:
    """Warnings in force at `at`: sent, not ended by an Update/Cancel, not expired."""
    return (
        published()
        .filter(sent__lte=at, msg_type__in=("Alert", "Update"), status="Actual")
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=at))
        .filter(Q(expires__isnull=True) | Q(expires__gt=at))
        .order_by("-sent", "-pk")
    )


def recent_past(at: datetime, limit: int = 20) -> list[Alert]:
    """The latest warnings no longer in force (ended, cancelled or expired): retrievable."""
    current = in_force(at).values("pk")
    return list(published().filter(sent__lte=at).exclude(pk__in=current).order_by("-sent")[:limit])


def public_stamp(at: datetime) -> tuple[object, ...]:
    """What the public page and feed depend on, in one query: it changes when a warning
    is released, imported, ended or cancelled, and when the next one starts or expires.

    Plain SQL: it runs on every public request, and the ORM's building of the same
    aggregate cost three times the query itself (bench/alerts_public.py)."""
    when = connection.ops.adapt_datetimefield_value(at)
    with connection.cursor() as cursor:
        cursor.execute(_STAMP_SQL.format(table=Alert._meta.db_table), [when, when, when])
        row = cursor.fetchone()
    return tuple(row)


_STAMP_SQL = """
SELECT COUNT(*), MAX(id),
       SUM(CASE WHEN ended_at IS NOT NULL THEN 1 ELSE 0 END), MAX(ended_at),
       MIN(CASE WHEN expires > %s THEN expires END),
       SUM(CASE WHEN expires <= %s THEN 1 ELSE 0 END),
       MIN(CASE WHEN sent > %s THEN sent END),
       MAX(created_at)
FROM {table}
WHERE state IN ('released', 'imported') AND sent IS NOT NULL
"""  # created_at: microseconds, so two databases (one test's, the next's) never share a stamp


def feed(limit: int = 50) -> list[Alert]:
    return list(published().order_by("-sent", "-pk")[:limit])


def public_alert(pk: int) -> Alert:
    found = published().filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def desk_alerts(operation_id: int | None) -> QuerySet[Alert]:
    return (
        Alert.objects.filter(operation_id=operation_id)
        .select_related("drafted_by", "released_by", "replaces")
        .order_by("-created_at", "-pk")
    )


def desk_alert(operation_id: int | None, pk: int) -> Alert:
    found = desk_alerts(operation_id).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def region_states(at: datetime) -> dict[str, bool]:
    """Each region's air-raid state at `at`: its latest change."""
    states: dict[str, bool] = {}
    for row in RegionAlarm.objects.filter(at__lte=at).order_by("region", "-at", "-pk"):
        states.setdefault(row.region, row.active)
    return states


def region_names(codes: list[str], lang: str) -> list[str]:
    """Regions' names in `lang` (the code where the gazetteer lacks the region)."""
    names = {
        r.code: getattr(r, f"name_{lang}", "") or r.name_en
        for r in Region.objects.filter(code__in=codes)
    }
    return sorted(names.get(c, c) for c in codes)


def orders_without_warning(operation_id: int | None) -> list[EvacuationOrder]:
    """The operation's evacuation orders that have no Evacuate warning drafted yet."""
    drafted = {
        a.params.get("area")
        for a in Alert.objects.filter(operation_id=operation_id, template="evacuate")
    }
    orders = EvacuationOrder.objects.filter(operation_id=operation_id).prefetch_related(
        "districts", "settlements"
    )
    return [o for o in orders if f"order:{o.pk}" not in drafted]


def desk_order(operation_id: int | None, pk: int) -> EvacuationOrder:
    found = EvacuationOrder.objects.filter(operation_id=operation_id, pk=pk).first()
    if found is None:
        raise Http404
    return found


def alarm_map(at: datetime, lang: str, width: int = 320) -> dict[str, object] | None:
    """The regions of every country with an air-raid history as dots on a small
    equirectangular map, red where an alert is in force at `at`; None with no history."""
    states = region_states(at)
    countries = {code[:2] for code in states}
    regions = [
        r for r in Region.objects.filter(country__in=countries, lat__isnull=False).order_by("code")
    ]
    if not regions:
        return None
    lats = [r.lat for r in regions if r.lat is not None]
    lons = [r.lon for r in regions if r.lon is not None]
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    scale = (width - 20) / max(east - west, 0.1)
    height = int((north - south) * scale * 1.5) + 20  # 1.5: a degree of latitude is longer
    dots = [
        {
            # Text, not floats: a template in ru/uk would write 12,5 (the locale's comma).
            "x": f"{10 + (r.lon - west) * scale:.1f}",  # type: ignore[operator]
            "y": f"{10 + (north - r.lat) * scale * 1.5:.1f}",  # type: ignore[operator]
            "on": states.get(r.code, False),
            "name": getattr(r, f"name_{lang}", "") or r.name_en,
        }
        for r in regions
    ]
    dots.sort(key=lambda d: bool(d["on"]))  # red drawn last, on top
    return {"width": width, "height": height, "dots": dots}
