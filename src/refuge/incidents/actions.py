"""Writes of the incident log, each in one transaction with its audit entry."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from refuge.accounts.scope import Actor
from refuge.alerts.models import Alert
from refuge.audit.actions import do_record
from refuge.incidents.models import Deployment, Incident
from refuge.operations.models import Operation

SPECIAL = ("fire_train", "aerial_ladder", "heavy_engineering", "pumping_station")


class IncidentRefused(ValueError):
    pass


@transaction.atomic
def do_report_incident(
    *,
    actor: Actor,
    operation: Operation,
    kind: str,
    name: str,
    place: str,
    reported_at: datetime,
    lat: float | None = None,
    lon: float | None = None,
    alerts: list[Alert] | None = None,
) -> Incident:
    if kind not in Incident.Kind.values:
        raise IncidentRefused(f"kind: {kind!r} is not one of {', '.join(Incident.Kind.values)}")
    incident = Incident.objects.create(
        operation=operation, kind=kind, name=name, place=place, lat=lat, lon=lon,
        reported_at=reported_at,
    )  # fmt: skip
    if alerts:
        incident.alerts.set(alerts)
    do_record(actor=actor, action="incident_report", object_type="incident",
              object_id=incident.pk, summary=f"{kind} {name}")  # fmt: skip
    return incident


@transaction.atomic
def do_record_deployment(
    *,
    actor: Actor,
    incident: Incident,
    service: str,
    at: datetime,
    personnel: int,
    units: int,
    special: dict[str, int] | None = None,
) -> Deployment:
    special = special or {}
    unknown = set(special) - set(SPECIAL)
    if unknown:
        raise IncidentRefused(f"special: {', '.join(sorted(unknown))} unknown")
    if min(personnel, units, *special.values(), 0) < 0 or sum(special.values()) > units:
        raise IncidentRefused("personnel, units: whole numbers, special units among the units")
    if at < incident.reported_at or (incident.closed_at and at > incident.closed_at):
        raise IncidentRefused("at: outside the incident's reported–closed time")
    row = Deployment.objects.create(
        incident=incident, service=service, at=at, personnel=personnel, units=units,
        special=special,
    )  # fmt: skip
    do_record(actor=actor, action="incident_deploy", object_type="incident",
              object_id=incident.pk, summary=f"{service}: {personnel} people, {units} units")  # fmt: skip
    return row


@transaction.atomic
def do_update_incident(
    *,
    actor: Actor,
    incident: Incident,
    contained_at: datetime | None = None,
    closed_at: datetime | None = None,
    dead: int | None = None,
    injured: int | None = None,
) -> Incident:
    for when in (contained_at, closed_at):
        if when is not None and when < incident.reported_at:
            raise IncidentRefused("a time before the incident was reported")
    if contained_at is not None:
        incident.contained_at = contained_at
    if closed_at is not None:
        incident.closed_at = closed_at
    if dead is not None:
        incident.dead = dead
    if injured is not None:
        incident.injured = injured
    incident.save()
    do_record(actor=actor, action="incident_update", object_type="incident",
              object_id=incident.pk, summary=f"contained {contained_at} closed {closed_at}")  # fmt: skip
    return incident
