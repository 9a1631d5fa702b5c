"""Where a user may import households: the one place that says it (issue #12, scope)."""

from __future__ import annotations

from django.db.models import QuerySet

from refuge.accounts.models import Role
from refuge.accounts.scope import Actor
from refuge.registry.models import ReceptionPoint


def import_points_for(actor: Actor) -> QuerySet[ReceptionPoint]:
    """A registrar imports into their reception point, a regional coordinator into their
    region's, a national coordinator into any of the operation's; nobody else at all."""
    m = actor.membership
    if m is None:
        return ReceptionPoint.objects.none()
    points = ReceptionPoint.objects.filter(operation_id=m.operation_id)
    if m.role == Role.REGISTRAR:
        return points.filter(pk=m.reception_point_id)
    if m.role == Role.REGIONAL_COORDINATOR:
        return points.filter(region_id=m.region_id)
    if m.role == Role.NATIONAL_COORDINATOR:
        return points
    return ReceptionPoint.objects.none()
