"""Which settlements an operation's orders cover, and from when."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from refuge.geo.models import District, Settlement
from refuge.operations.models import EvacuationOrder, Operation


def covered_settlements(order: EvacuationOrder) -> QuerySet[Settlement]:
    if order.scope == EvacuationOrder.Scope.SETTLEMENTS:
        return order.settlements.all()
    in_districts = Settlement.objects.filter(district__in=order.districts.all())
    if order.scope == EvacuationOrder.Scope.BORDER_BAND:
        return in_districts.filter(border_km__lte=order.within_km)
    return in_districts


def orders_in_effect(operation: Operation, as_of: datetime) -> QuerySet[EvacuationOrder]:
    return operation.orders.filter(effective_at__lte=as_of)


def districts_under_orders(operation: Operation, as_of: datetime) -> list[District]:
    """Districts with at least one settlement under an order in effect at as_of."""
    seen: dict[int, District] = {}
    for order in orders_in_effect(operation, as_of).prefetch_related("districts", "settlements"):
        named = list(order.districts.all()) or [s.district for s in order.settlements.all()]
        for d in named:
            seen.setdefault(d.pk, d)
    return sorted(seen.values(), key=lambda d: d.name_en)


def coverage_start(operation: Operation) -> dict[int, datetime]:
    """For each settlement any order covers: when the first such order took effect."""
    start: dict[int, datetime] = {}
    for order in operation.orders.order_by("effective_at"):
        for pk in covered_settlements(order).values_list("pk", flat=True):
            start.setdefault(pk, order.effective_at)
    return start
