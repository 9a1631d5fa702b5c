"""Counts the ledger and the shelter registry into the situation report's input."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import get_language

from refuge.alerts.selectors import in_force
from refuge.core.sitrep import (
    DepartureCount,
    ShelterState,
    Sitrep,
    SitrepInput,
    WarningInForce,
    build_sitrep,
)
from refuge.geo.models import District, Region
from refuge.incidents.selectors import deployment_rows, incident_rows
from refuge.movements.models import Movement
from refuge.operations.models import Operation
from refuge.operations.selectors import districts_under_orders
from refuge.shelters.models import Shelter, ShelterChange
from refuge.tracing.models import Merge


class UnknownOperation(LookupError):
    pass


def operation_named(name: str | None) -> Operation:
    """The operation with this slug or name; with none given, the only (or latest) one."""
    if name:
        op = Operation.objects.filter(Q(slug=name) | Q(name=name)).first()
        if op is None:
            known = ", ".join(Operation.objects.values_list("slug", flat=True)) or "none loaded"
            raise UnknownOperation(f"unknown operation {name!r} (known: {known})")
        return op
    op = Operation.objects.first()
    if op is None:
        raise UnknownOperation("no operation is loaded: run `refuge scenario load kursk-2024`")
    return op


def sitrep(operation: Operation, as_of: datetime) -> Sitrep:
    return build_sitrep(sitrep_input(operation, as_of))


def sitrep_input(operation: Operation, as_of: datetime) -> SitrepInput:
    events = Movement.objects.effective().filter(operation=operation, at__lte=as_of)
    # People are counted once: a registration a tracing officer merged into another
    # (and did not undo) leaves the departure and destination counts. Shelter figures
    # keep counting places as taken until the duplicate's place is given back.
    people = events.exclude(person_id__in=merged_duplicates())
    return SitrepInput(
        operation=operation.name,
        as_of=as_of,
        affected_region=operation.affected_region.code,
        districts=tuple(d.name for d in districts_under_orders(operation, as_of)),
        departures=_departures(people, as_of),
        shelters=_shelters(operation, events, as_of),
        region_names={r.code: r.name for r in Region.objects.filter(shelters__operation=operation)},
        incidents=incident_rows(operation, as_of),
        deployments=deployment_rows(operation, as_of),
        warnings=warnings_in_force(operation, as_of),
    )


def warnings_in_force(operation: Operation, as_of: datetime) -> tuple[WarningInForce, ...]:
    """The operation's public warnings in force at as_of, in the reader's language."""
    lang = (get_language() or "en")[:2]
    rows = []
    for a in in_force(as_of).filter(operation=operation):
        t = a.text(lang)
        rows.append(WarningInForce(t.get("headline", ""), t.get("area", ""), a.sent, a.template))
    return tuple(rows)


def merged_duplicates() -> QuerySet[Merge]:
    """Persons registered twice and merged into their other registration (merge not undone)."""
    return Merge.objects.filter(undone_at__isnull=True).values("merged_id")


def _departures(events, as_of: datetime) -> tuple[DepartureCount, ...]:  # type: ignore[no-untyped-def]
    """Departures by district and mode, each with where the person's registration sent
    them by as_of ("" when they had not registered yet), so the destinations add up
    to the persons relocated."""
    since = as_of - timedelta(hours=24)
    # The person's own registration, looked up by the (person, at) index. Built from the
    # bare table, not from `events`: its NOT IN filters, repeated for each of 122,000
    # departures, kept PostgreSQL on one sitrep for over ten minutes at scale 1. The
    # departure already passed the merge filter; a voided registration is left out here.
    voided = Movement.objects.filter(kind=Movement.Kind.VOIDED, corrects=OuterRef("pk"))
    registration = Movement.objects.filter(
        person=OuterRef("person"), kind=Movement.Kind.REGISTERED, at__lte=as_of
    ).filter(~Exists(voided))
    rows = (
        events.filter(kind=Movement.Kind.LEFT_HOME)
        .annotate(
            registered_to=Subquery(registration.order_by("-at", "-pk").values("destination")[:1])
        )
        .values("district_id", "mode", "registered_to")
        .annotate(total=Count("id"), recent=Count("id", filter=Q(at__gt=since)))
    )
    names = {d.pk: d.name for d in District.objects.all()}
    out = []
    for r in rows:
        district, mode, to = names.get(r["district_id"], "—"), r["mode"], r["registered_to"] or ""
        out.append(DepartureCount(district, mode, True, r["recent"], to))
        out.append(DepartureCount(district, mode, False, r["total"] - r["recent"], to))
    return tuple(out)


def _shelters(operation: Operation, events, as_of: datetime) -> tuple[ShelterState, ...]:  # type: ignore[no-untyped-def]
    occupancy = {
        r["shelter_id"]: r["inn"] - r["out"]
        for r in events.filter(kind__in=(Movement.Kind.CHECKED_IN, Movement.Kind.CHECKED_OUT))
        .values("shelter_id")
        .annotate(
            inn=Count("id", filter=Q(kind=Movement.Kind.CHECKED_IN)),
            out=Count("id", filter=Q(kind=Movement.Kind.CHECKED_OUT)),
        )
    }
    state_then = ShelterChange.objects.filter(shelter=OuterRef("pk"), at__lte=as_of).order_by(
        "-at", "-pk"
    )
    shelters = (
        Shelter.objects.filter(operation=operation)
        .annotate(
            status_then=Subquery(state_then.values("status")[:1]),
            capacity_then=Subquery(state_then.values("capacity")[:1]),
        )
        .values("pk", "region__code", "status_then", "capacity_then")
    )
    return tuple(
        ShelterState(
            shelter_id=s["pk"],
            region=s["region__code"],
            # A shelter with no recorded change by then did not exist yet.
            status=s["status_then"] or "unknown",
            capacity=s["capacity_then"] or 0,
            occupants=occupancy.get(s["pk"], 0),
        )
        for s in shelters
    )


def daily_departures(operation: Operation, as_of: datetime) -> list[tuple[datetime, int]]:
    """Persons who left home on each day (operation's local calendar) up to as_of."""
    from zoneinfo import ZoneInfo

    from django.db.models.functions import TruncDate

    tz = ZoneInfo(operation.timezone)
    rows = (
        Movement.objects.effective()
        .filter(operation=operation, kind=Movement.Kind.LEFT_HOME, at__lte=as_of)
        .annotate(day=TruncDate("at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    return [(r["day"], r["n"]) for r in rows]
