"""Arithmetic of the daily situation report.

The reports app counts events in the ledger with a few grouped queries and hands the
counts here as plain rows; this module turns them into the report's figures. Keeping
the arithmetic apart from the queries lets it be tested on hand-made rows and read
without knowing the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

# Shelter statuses that count as "operating": a full shelter still houses people.
OPERATING = frozenset({"open", "full"})
STANDBY = "standby"
# A person who left home and had not reached a reception point by as_of: registration
# follows departure by hours, so the last departures of a morning report are these.
NOT_YET_REGISTERED = ""


@dataclass(frozen=True)
class DepartureCount:
    """Persons who left home from one district, by mode, in or before the last 24 hours,
    and where their registration sent them by as_of.

    The destination rides on the departure so that every person counted as relocated
    is counted once among the destinations too: the parts add up to the total by
    construction, and nobody who left home can fall out of the report unnamed.
    """

    district: str
    mode: str  # "organised" | "own"
    recent: bool  # within the 24 hours before as_of
    persons: int
    destination: str = NOT_YET_REGISTERED  # "shelter" | "relatives" | "own_housing"


@dataclass(frozen=True)
class ShelterState:
    """One shelter as it stood at as_of."""

    shelter_id: int
    region: str
    status: str
    capacity: int
    occupants: int


@dataclass(frozen=True)
class IncidentRow:
    """One incident of the log as it stood at as_of (later changes not shown)."""

    incident_id: int
    kind: str  # fire, building_damage, utility_outage, air_attack_aftermath, flood, other
    name: str
    place: str
    reported_at: datetime
    contained_at: datetime | None
    closed_at: datetime | None
    dead: int = 0
    injured: int = 0


@dataclass(frozen=True)
class DeploymentRow:
    """What one service had on an incident from `at` until its next row (or the closure)."""

    incident_id: int
    service: str
    at: datetime
    personnel: int
    units: int
    special: tuple[tuple[str, int], ...] = ()  # ("fire_train", 2)


@dataclass(frozen=True)
class WarningInForce:
    headline: str
    area: str
    sent: datetime
    response: str = ""


@dataclass(frozen=True)
class IncidentLine:
    incident_id: int
    kind: str
    name: str
    place: str
    reported_at: datetime
    contained_at: datetime | None
    closed_at: datetime | None
    dead: int
    injured: int
    personnel: int
    units: int
    special: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class IncidentSection:
    open: tuple[IncidentLine, ...] = ()
    closed_last_24h: tuple[IncidentLine, ...] = ()
    reported_last_24h: int = 0
    personnel: int = 0
    units: int = 0
    special: tuple[tuple[str, int], ...] = ()
    warnings: tuple[WarningInForce, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.open or self.closed_last_24h or self.warnings)


class _Deployed(Protocol):
    @property
    def incident_id(self) -> int: ...
    @property
    def service(self) -> str: ...
    @property
    def at(self) -> datetime: ...


D = TypeVar("D", bound=_Deployed)


def deployed_at(as_of: datetime, deployments: Iterable[D]) -> dict[tuple[int, str], D]:
    """Each (incident, service)'s latest row at as_of: its figures from then on replace
    the earlier ones. Rows of one moment keep their given order (the last one wins)."""
    latest: dict[tuple[int, str], D] = {}
    for d in sorted(deployments, key=lambda d: d.at):
        if d.at <= as_of:
            latest[(d.incident_id, d.service)] = d
    return latest


def incident_section(
    as_of: datetime,
    incidents: Iterable[IncidentRow],
    deployments: Iterable[DeploymentRow],
    warnings: Iterable[WarningInForce] = (),
) -> IncidentSection:
    """Incidents open at as_of and closed in the 24 hours before, with what each service
    had deployed at as_of (its latest row; nothing once the incident is closed)."""
    latest = deployed_at(as_of, deployments)
    lines = []
    for i in incidents:
        if i.reported_at > as_of:
            continue
        closed = i.closed_at if i.closed_at is not None and i.closed_at <= as_of else None
        rows = [] if closed else [d for (k, _), d in latest.items() if k == i.incident_id]
        special: dict[str, int] = defaultdict(int)
        for d in rows:
            for kind, count in d.special:
                special[kind] += count
        lines.append(
            IncidentLine(
                i.incident_id,
                i.kind,
                i.name,
                i.place,
                i.reported_at,
                i.contained_at if i.contained_at and i.contained_at <= as_of else None,
                closed,
                i.dead,
                i.injured,
                sum(d.personnel for d in rows),
                sum(d.units for d in rows),
                tuple(sorted(special.items())),
            )  # fmt: skip
        )
    open_ = tuple(x for x in lines if x.closed_at is None)
    total_special: dict[str, int] = defaultdict(int)
    for line in open_:
        for kind, count in line.special:
            total_special[kind] += count
    day_ago = as_of - timedelta(hours=24)
    return IncidentSection(
        open=open_,
        closed_last_24h=tuple(x for x in lines if x.closed_at and x.closed_at > day_ago),
        reported_last_24h=sum(1 for x in lines if x.reported_at > day_ago),
        personnel=sum(x.personnel for x in open_),
        units=sum(x.units for x in open_),
        special=tuple(sorted(total_special.items())),
        warnings=tuple(sorted(warnings, key=lambda w: w.sent)),
    )


@dataclass(frozen=True)
class SitrepInput:
    operation: str
    as_of: datetime
    affected_region: str
    districts: tuple[str, ...]  # districts under an evacuation order at as_of, in order
    departures: tuple[DepartureCount, ...]
    shelters: tuple[ShelterState, ...]
    region_names: dict[str, str] = field(default_factory=dict)
    incidents: tuple[IncidentRow, ...] = ()
    deployments: tuple[DeploymentRow, ...] = ()
    warnings: tuple[WarningInForce, ...] = ()


@dataclass(frozen=True)
class DistrictLine:
    district: str
    relocated_total: int
    relocated_last_24h: int


@dataclass(frozen=True)
class RegionLine:
    region: str
    name: str
    open: int
    occupants: int
    capacity: int
    standby: int
    standby_capacity: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.occupants)


@dataclass(frozen=True)
class Evacuation:
    districts: int
    relocated_total: int
    relocated_last_24h: int
    organised_last_24h: int
    on_own_last_24h: int
    by_district: tuple[DistrictLine, ...]


@dataclass(frozen=True)
class ShelterGroup:
    open: int
    occupants: int
    capacity: int


@dataclass(frozen=True)
class Sitrep:
    operation: str
    as_of: datetime
    affected_region: str
    evacuation: Evacuation
    affected: ShelterGroup
    other_regions: ShelterGroup
    other_region_count: int
    standby_shelters: int
    standby_capacity: int
    standby_territories: int
    by_region: tuple[RegionLine, ...]
    destinations_shelters: int
    destinations_relatives_or_own: int
    # Left home by as_of, registered only later (or not yet): the rest of relocated_total.
    not_yet_registered: int
    incidents: IncidentSection = field(default_factory=IncidentSection)

    def as_json(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "as_of": self.as_of.isoformat(timespec="seconds"),
            "evacuation": {
                **{k: v for k, v in asdict(self.evacuation).items() if k != "by_district"},
                "by_district": [asdict(d) for d in self.evacuation.by_district],
            },
            "shelters": {
                "affected_region": {"region": self.affected_region, **asdict(self.affected)},
                "other_regions": {"regions": self.other_region_count, **asdict(self.other_regions)},
                "standby": {
                    "territories": self.standby_territories,
                    "shelters": self.standby_shelters,
                    "capacity": self.standby_capacity,
                },
                "by_region": [{**asdict(r), "free": r.free} for r in self.by_region],
            },
            "destinations": {
                "shelters": self.destinations_shelters,
                "relatives_or_own": self.destinations_relatives_or_own,
                "not_yet_registered": self.not_yet_registered,
            },
            "incidents": _incidents_json(self.incidents),
        }


def build_sitrep(data: SitrepInput) -> Sitrep:
    destinations = _destinations(data.departures)
    return Sitrep(
        operation=data.operation,
        as_of=data.as_of,
        affected_region=data.affected_region,
        evacuation=_evacuation(data.districts, data.departures),
        affected=_group(s for s in data.shelters if s.region == data.affected_region),
        other_regions=_group(s for s in data.shelters if s.region != data.affected_region),
        other_region_count=len(
            {
                s.region
                for s in data.shelters
                if s.region != data.affected_region and s.status in OPERATING
            }
        ),
        standby_shelters=sum(1 for s in data.shelters if s.status == STANDBY),
        standby_capacity=sum(s.capacity for s in data.shelters if s.status == STANDBY),
        standby_territories=len({s.region for s in data.shelters if s.status == STANDBY}),
        by_region=_by_region(data),
        destinations_shelters=destinations["shelter"],
        destinations_relatives_or_own=sum(
            n for kind, n in destinations.items() if kind not in ("shelter", NOT_YET_REGISTERED)
        ),
        not_yet_registered=destinations[NOT_YET_REGISTERED],
        incidents=incident_section(data.as_of, data.incidents, data.deployments, data.warnings),
    )


def _incidents_json(section: IncidentSection) -> dict[str, Any]:
    def line(x: IncidentLine) -> dict[str, Any]:
        d = asdict(x)
        for key in ("reported_at", "contained_at", "closed_at"):
            d[key] = d[key].isoformat(timespec="seconds") if d[key] else None
        d["special"] = dict(x.special)
        return d

    return {
        "open": [line(x) for x in section.open],
        "closed_last_24h": [line(x) for x in section.closed_last_24h],
        "reported_last_24h": section.reported_last_24h,
        "deployed": {
            "personnel": section.personnel,
            "units": section.units,
            "special": dict(section.special),
        },
        "warnings_in_force": [
            {**asdict(w), "sent": w.sent.isoformat(timespec="seconds")} for w in section.warnings
        ],
    }


def _destinations(rows: tuple[DepartureCount, ...]) -> dict[str, int]:
    by_kind: dict[str, int] = defaultdict(int)
    for row in rows:
        by_kind[row.destination] += row.persons
    return by_kind


def _evacuation(districts: tuple[str, ...], rows: tuple[DepartureCount, ...]) -> Evacuation:
    total: dict[str, int] = defaultdict(int)
    recent: dict[str, int] = defaultdict(int)
    by_mode: dict[str, int] = defaultdict(int)
    for row in rows:
        total[row.district] += row.persons
        if row.recent:
            recent[row.district] += row.persons
            by_mode[row.mode] += row.persons
    # Districts under an order come first, in order; a departure from elsewhere
    # (people leave before an order reaches them) still gets its own line.
    names = list(districts) + sorted(set(total) - set(districts))
    lines = tuple(DistrictLine(d, total[d], recent[d]) for d in names)
    return Evacuation(
        districts=len(districts),
        relocated_total=sum(total.values()),
        relocated_last_24h=sum(recent.values()),
        organised_last_24h=by_mode["organised"],
        on_own_last_24h=by_mode["own"],
        by_district=lines,
    )


def _group(shelters: Iterable[ShelterState]) -> ShelterGroup:
    operating = [s for s in shelters if s.status in OPERATING]
    return ShelterGroup(
        open=len(operating),
        occupants=sum(s.occupants for s in operating),
        capacity=sum(s.capacity for s in operating),
    )


def _by_region(data: SitrepInput) -> tuple[RegionLine, ...]:
    regions = sorted({s.region for s in data.shelters})
    lines = []
    for code in regions:
        here = [s for s in data.shelters if s.region == code]
        group = _group(here)
        standby = [s for s in here if s.status == STANDBY]
        if group.open == 0 and group.occupants == 0 and not standby:
            continue
        lines.append(
            RegionLine(
                region=code,
                name=data.region_names.get(code, code),
                open=group.open,
                occupants=group.occupants,
                capacity=group.capacity,
                standby=len(standby),
                standby_capacity=sum(s.capacity for s in standby),
            )
        )
    # The affected region first, then by occupants: where the people are.
    lines.sort(key=lambda r: (r.region != data.affected_region, -r.occupants, r.region))
    return tuple(lines)
