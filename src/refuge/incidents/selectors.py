"""Reads of the incident log for the situation report, as the core's plain rows."""

from __future__ import annotations

from datetime import datetime

from refuge.core.sitrep import DeploymentRow, IncidentRow
from refuge.incidents.models import Deployment, Incident
from refuge.operations.models import Operation


def incident_rows(operation: Operation, as_of: datetime) -> tuple[IncidentRow, ...]:
    return tuple(
        IncidentRow(
            i.pk,
            i.kind,
            i.name,
            i.place,
            i.reported_at,
            i.contained_at,
            i.closed_at,
            i.dead,
            i.injured,
        )  # fmt: skip
        for i in Incident.objects.filter(operation=operation, reported_at__lte=as_of)
    )


def deployment_rows(operation: Operation, as_of: datetime) -> tuple[DeploymentRow, ...]:
    return tuple(
        DeploymentRow(
            d.incident_id,
            d.service,
            d.at,
            d.personnel,
            d.units,
            tuple(sorted((str(k), int(v)) for k, v in d.special.items())),
        )  # fmt: skip
        for d in Deployment.objects.filter(incident__operation=operation, at__lte=as_of)
    )
