"""Where a user may import households: the one place that says it (issue #12, scope)."""

from __future__ import annotations

from django.db.models import QuerySet

from refuge.accounts.models import Role
from refuge.accounts.scope import Actor, shelters_for
from refuge.operations.models import Operation
from refuge.registry.models import ReceptionPoint
from refuge.shelters.models import Shelter, Status


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


def placement_shelters_for(actor: Actor, operation: Operation) -> QuerySet[Shelter]:
    """Open shelters an import may reserve places in for its shelter-bound households.

    A registrar's import places as their desk does, in any open shelter of the operation;
    a regional coordinator's in their region's; a national coordinator's (or the
    command line's, run by whoever runs the server) in any.
    """
    m = actor.membership
    if m is None or m.role == Role.REGISTRAR:
        return Shelter.objects.filter(operation=operation, status=Status.OPEN)
    return shelters_for(actor).filter(status=Status.OPEN)
