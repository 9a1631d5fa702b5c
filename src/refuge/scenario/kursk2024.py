"""The Kursk-2024 reference scenario: the operation, its orders, shelters and people.

People are registered, placed and checked in through the same actions the desks
use, so every figure the report prints afterwards is counted from the ledger.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from refuge.core.geodesy import great_circle_km
from refuge.core.linkage.generator import reregistration
from refuge.core.linkage.records import BirthDate, PersonRecord
from refuge.core.placement import Options
from refuge.core.population.evacuation import (
    KURSK_2024_DAILY,
    Departure,
    Evacuation,
    Origin,
    ReceptionSite,
    Window,
    daily_windows,
)
from refuge.geo.gazetteer import DATA, load_kursk_oblast, load_regions, read_rows
from refuge.geo.models import District, Region, Settlement
from refuge.operations.models import EvacuationOrder, Operation
from refuge.operations.selectors import coverage_start
from refuge.placement.services import ShelterRequest, plan_for_households
from refuge.registry.actions import MemberData, Registration, do_register_households
from refuge.registry.models import Household, ReceptionPoint
from refuge.scenario.duplicates import second_registration_key
from refuge.scenario.network import plan_shelters
from refuge.shelters.actions import Arrival, do_assign, do_change_status, do_check_in, do_check_out
from refuge.shelters.models import Shelter, ShelterChange, Status

MSK = ZoneInfo("Europe/Moscow")
START = datetime(2024, 8, 6, 8, 0, tzinfo=MSK)
FIRST_REPORT = datetime(2024, 8, 7, 8, 0, tzinfo=MSK)
SLUG = "kursk-2024"
DEFAULT_POPULATION = {"city": 8000, "town": 2500, "village": 250}


class ScenarioError(Exception):
    pass


def load(
    *,
    scale: float = 1.0,
    seed: int = 2024,
    reregistered: float = 0.0,
    progress: Callable[[str], None] = print,
) -> Operation:
    """Load the scenario; `reregistered` of the households register again elsewhere.

    A re-registered household comes to another reception point hours or days later and
    is typed again with the linkage generator's corruptions at a desk's rates (another
    language's name form, a diminutive, a slip, the patronymic or the phone left out…),
    through the same registration action: the duplicates tracing has to find.
    """
    if not scale > 0:
        raise ScenarioError(f"--scale must be greater than 0, not {scale}")
    if not 0 <= reregistered <= 1:
        raise ScenarioError(f"--reregistered must be a share from 0 to 1, not {reregistered}")
    if Operation.objects.exists():
        raise ScenarioError(
            "the database already holds an operation; load a scenario into an empty database"
        )
    rng = random.Random(seed)
    with transaction.atomic():
        load_regions()
        load_kursk_oblast()
        operation = _operation()
        receptions = _reception_points(operation)
        network = _shelter_network(operation, rng, scale)
        progress(f"operation, {len(receptions)} reception points and {len(network)} shelters")
        windows = daily_windows(FIRST_REPORT, KURSK_2024_DAILY, scale)
        evacuation = Evacuation(
            _origins(operation),
            [ReceptionSite(r.pk, r.lat, r.lon) for r in receptions],
            seed=seed,
            scale=scale,
        )
        people = _People(operation, receptions, network)
        again = _Reregistrations(people, reregistered, random.Random(seed + 1))
        for window, departures in _by_window(evacuation.run(windows), windows):
            again.plan(people.arrive(window, departures))
            again.register(until=window.end)
            progress(f"{window.end:%d %b}: {sum(d.household.size for d in departures)} left")
        people.leave_shelters(until=windows[-1].end)
        again.register(until=None)
        if reregistered:
            progress(f"{again.persons} persons registered a second time")
    return operation


def _operation() -> Operation:
    krs = Region.objects.get(code="RU-KRS")
    operation = Operation.objects.create(
        slug=SLUG,
        name="Kursk oblast evacuation, August 2024",
        affected_region=krs,
        started_at=START,
        timezone="Europe/Moscow",
    )
    districts = {d.slug: d for d in District.objects.filter(region=krs)}
    for row in read_rows(DATA / "evacuation_orders_kursk_2024.csv"):
        order = EvacuationOrder.objects.create(
            operation=operation,
            effective_at=datetime.fromisoformat(row["date"]).replace(tzinfo=MSK)
            if "T" in row["date"]
            else datetime.fromisoformat(row["date"] + "T00:00").replace(tzinfo=MSK),
            kind=row["kind"],
            scope=row["scope"],
            within_km=float(row["within_km"]) if row.get("within_km") else None,
            note=row.get("note", ""),
        )
        slugs = [s for s in (row.get("districts") or "").split(";") if s]
        order.districts.set([districts[s] for s in slugs])
        names = [s for s in (row.get("settlements") or "").split(";") if s]
        if names:
            order.settlements.set(
                Settlement.objects.filter(name_ru__in=names, district__region=krs)
            )
    return operation


def _affected_sites() -> list[tuple[str | None, str, float, float]]:
    """The regional capital first, then the centres of districts under no order."""
    krs = Region.objects.get(code="RU-KRS")
    evacuated = {
        r["slug"] for r in read_rows(DATA / "kursk_districts.csv") if r["evacuated"] == "1"
    }
    rest = [
        (d.slug, d.centre or d.name_ru, d.lat, d.lon)
        for d in District.objects.filter(region=krs).exclude(slug__in=evacuated)
    ]
    return [(None, krs.capital or "Курск", krs.lat or 51.73, krs.lon or 36.19), *rest]


def _reception_points(operation: Operation) -> list[ReceptionPoint]:
    krs = operation.affected_region
    sites = _affected_sites()
    kursk = sites[0]
    border = Settlement.objects.filter(district__region=krs).order_by("border_km").first()
    near = sorted(
        sites[1:],
        key=lambda s: great_circle_km((s[2], s[3]), (border.lat, border.lon)) if border else 0,
    )[:6]
    names = ["Курск, КСК «Магистраль»", "Курск, ДС «Юбилейный»", "Курск, вокзал"]
    points = [
        ReceptionPoint(
            operation=operation,
            name=name,
            region=krs,
            address=kursk[1],
            lat=kursk[2] + 0.01 * i,
            lon=kursk[3] + 0.01 * i,
        )
        for i, name in enumerate(names)
    ] + [
        ReceptionPoint(
            operation=operation,
            name=f"Пункт приёма, {s[1]}",
            region=krs,
            address=s[1],
            lat=s[2],
            lon=s[3],
        )
        for s in near
    ]
    return ReceptionPoint.objects.bulk_create(points)


def _shelter_network(
    operation: Operation, rng: random.Random, scale: float
) -> list[tuple[Shelter, datetime | None]]:
    """The network, each shelter with when it opens (None: it stays on standby)."""
    regions = {r.code: r for r in Region.objects.filter(country="RU")}
    region_sites = {
        code: (r.capital or r.name_ru or r.name_en, r.lat, r.lon)
        for code, r in regions.items()
        if r.lat is not None
    }
    standby_order = ["RU-KRS"] + sorted(c for c in region_sites if c != "RU-KRS")
    plans = plan_shelters(
        rng,
        scale=scale,
        start=START,
        affected_sites=_affected_sites(),
        region_sites=region_sites,
        standby_regions=standby_order,
    )
    districts = {d.slug: d for d in District.objects.filter(region=operation.affected_region)}
    shelters = Shelter.objects.bulk_create(
        Shelter(
            operation=operation,
            name=p.name,
            region=regions[p.region],
            district=districts.get(p.district_slug or ""),
            address=p.address,
            lat=p.lat,
            lon=p.lon,
            kind=p.kind,
            capacity=p.capacity,
            wheelchair_access=p.wheelchair,
            medical_post=p.medical,
            children_area=p.children,
            pets_allowed=p.pets,
            status=Status.STANDBY,
        )
        for p in plans
    )
    ShelterChange.objects.bulk_create(
        ShelterChange(
            shelter=s,
            at=START,
            status=Status.STANDBY,
            capacity=s.capacity,
            reason="in the standby network",
        )
        for s in shelters
    )
    return [(s, p.opens_at) for s, p in zip(shelters, plans, strict=True)]


def _origins(operation: Operation) -> list[Origin]:
    starts = coverage_start(operation)
    return [
        Origin(
            key=s.pk,
            district=s.district.slug,
            lat=s.lat,
            lon=s.lon,
            population=s.population or DEFAULT_POPULATION.get(s.kind, 250),
            covered_from=starts[s.pk],
        )
        for s in Settlement.objects.filter(pk__in=starts).select_related("district")
    ]


def _by_window(
    departures: Iterable[Departure], windows: Sequence[Window]
) -> Iterator[tuple[Window, list[Departure]]]:
    """Departures grouped by the report window they fall in (they come in time order)."""
    batch: list[Departure] = []
    index = 0
    for d in departures:
        while d.left_at >= windows[index].end:
            yield windows[index], batch
            batch, index = [], index + 1
        batch.append(d)
    yield windows[index], batch
    for w in windows[index + 1 :]:
        yield w, []


class _People:
    """Registers each day's departures and takes the shelter-bound to their shelters."""

    def __init__(
        self,
        operation: Operation,
        receptions: list[ReceptionPoint],
        shelters: list[tuple[Shelter, datetime | None]],
    ) -> None:
        self.operation = operation
        self.receptions = {r.pk: r for r in receptions}
        self.settlements = {
            s.pk: s for s in Settlement.objects.filter(district__region=operation.affected_region)
        }
        self.regions = {r.code: r for r in Region.objects.all()}
        self.opens_at = {s.pk: at for s, at in shelters if at is not None}
        self.unopened = sorted(
            (s for s, at in shelters if at is not None), key=lambda s: self.opens_at[s.pk]
        )
        self.stays: list[tuple[datetime, Household, Shelter]] = []
        # Households no open shelter could take yet; they are offered places again the
        # next day, when more shelters have opened.
        self.waiting: list[tuple[Household, Departure]] = []

    def arrive(
        self, window: Window, departures: list[Departure]
    ) -> list[tuple[Household, Registration]]:
        """Register the window's departures; returns each household with its registration."""
        self._open_shelters(until=window.end)
        registrations = [self._registration(d) for d in departures]
        households = do_register_households(operation=self.operation, registrations=registrations)
        bound = [
            (h, d)
            for h, d in zip(households, departures, strict=True)
            if d.destination == "shelter"
        ]
        self.waiting = self._place(self.waiting + bound)
        self.leave_shelters(until=window.end)
        return list(zip(households, registrations, strict=True))

    def _open_shelters(self, until: datetime) -> None:
        while self.unopened and self.opens_at[self.unopened[0].pk] < until:
            s = self.unopened.pop(0)
            do_change_status(
                shelter=s, status=Status.OPEN, at=self.opens_at[s.pk], reason="opened for evacuees"
            )

    def _registration(self, d: Departure) -> Registration:
        return Registration(
            reception_point=self.receptions[d.reception],
            origin=self.settlements[d.origin],
            left_at=d.left_at,
            mode=d.mode,
            registered_at=d.registered_at,
            destination=d.destination,
            destination_region=self.regions.get(d.destination_region or ""),
            phone=d.household.phone,
            members=[
                MemberData(
                    given_name=m.given_name,
                    patronymic=m.patronymic,
                    family_name=m.family_name,
                    sex=m.sex,
                    birth_year=m.birth_year,
                    birth_month=m.birth_month,
                    birth_day=m.birth_day,
                    needs=m.needs,
                    consents_to_be_found=m.consents_to_be_found,
                )
                for m in d.household.members
            ],
        )

    def _place(self, bound: list[tuple[Household, Departure]]) -> list[tuple[Household, Departure]]:
        """Place shelter-bound households, in the oblast or beyond as they chose; return the rest."""
        affected = self.operation.affected_region_id
        waiting = []
        for in_region in (True, False):
            group = [(h, d) for h, d in bound if d.shelter_in_affected_region == in_region]
            if not group:
                continue
            requests = [
                ShelterRequest(
                    household=h,
                    size=d.household.size,
                    lat=self.settlements[d.origin].lat,
                    lon=self.settlements[d.origin].lon,
                    needs=d.household.needs & {"wheelchair", "medical"},
                )
                for h, d in group
            ]
            open_now = Shelter.objects.filter(operation=self.operation, status=Status.OPEN)
            pool = (
                open_now.filter(region_id=affected)
                if in_region
                else open_now.exclude(region_id=affected)
            )
            # A day's batch is a few hundred households: a quarter second of local search
            # gets within a hair of the bound (docs/PLACEMENT.md).
            plan = plan_for_households(requests, list(pool), Options(time_limit_s=0.25))
            arrivals = []
            for (h, d), shelter in zip(group, plan, strict=True):
                if shelter is None:
                    waiting.append((h, d))
                    continue
                # Places in a shelter that opened later the same day are taken when it opens.
                at = max(d.registered_at, self.opens_at.get(shelter.pk, d.registered_at))
                do_assign(household=h, shelter=shelter, at=at)
                km = great_circle_km(
                    (self.settlements[d.origin].lat, self.settlements[d.origin].lon),
                    (shelter.lat, shelter.lon),
                )
                arrived = at + timedelta(hours=1 + km / 50)
                arrivals.append(Arrival(household=h, shelter=shelter, at=arrived, reserved=True))
                if d.stay_days:
                    self.stays.append((arrived + timedelta(days=d.stay_days), h, shelter))
            do_check_in(arrivals)
        return waiting

    def leave_shelters(self, until: datetime) -> None:
        due = [s for s in self.stays if s[0] < until]
        self.stays = [s for s in self.stays if s[0] >= until]
        for at, household, shelter in sorted(due, key=lambda s: s[0]):
            do_check_out(household=household, shelter=shelter, at=at, to="relatives")


class _Reregistrations:
    """Households that register a second time, at another point, typed again."""

    def __init__(self, people: _People, share: float, rng: random.Random) -> None:
        self.people, self.share, self.rng = people, share, rng
        self.due: list[Registration] = []
        self.persons = 0

    def plan(self, registered: list[tuple[Household, Registration]]) -> None:
        for household, first in registered:
            if self.share and self.rng.random() < self.share:
                self.due.append(self._again(household, first))

    def register(self, until: datetime | None) -> None:
        now = [r for r in self.due if until is None or r.registered_at < until]
        self.due = [r for r in self.due if r not in now]
        if now:
            do_register_households(operation=self.people.operation, registrations=now)
            self.persons += sum(len(r.members) for r in now)

    def _again(self, household: Household, first: Registration) -> Registration:
        rng = self.rng
        others = [p for p in self.people.receptions.values() if p != first.reception_point]
        typed = [
            reregistration(rng, _record(m, first.phone), f"again-{i}", "reception")
            for i, m in enumerate(first.members)
        ]
        bound_for_shelter = first.destination == "shelter"
        return replace(
            first,
            reception_point=rng.choice(others),
            registered_at=first.registered_at + timedelta(hours=rng.uniform(3, 72)),
            # Their places were taken at the first desk; the second desk sends them on.
            destination="relatives" if bound_for_shelter else first.destination,
            destination_region=(
                self.people.operation.affected_region if bound_for_shelter
                else first.destination_region
            ),
            phone=typed[0].phone,
            members=[_member(r, m) for r, m in zip(typed, first.members, strict=True)],
            # Names the first registration, so a benchmark can tell true duplicates.
            idempotency_key=second_registration_key(household.pk),
        )  # fmt: skip


def _record(m: MemberData, phone: str) -> PersonRecord:
    return PersonRecord(
        record_id="", given_name=m.given_name, patronymic=m.patronymic,
        family_name=m.family_name, sex=m.sex,
        birth_date=BirthDate(m.birth_year, m.birth_month, m.birth_day) if m.birth_year else None,
        phone=phone,
    )  # fmt: skip


def _member(typed: PersonRecord, first: MemberData) -> MemberData:
    d = typed.birth_date
    return replace(
        first,
        given_name=typed.given_name,
        patronymic=typed.patronymic,
        family_name=typed.family_name,
        sex=typed.sex.upper(),
        birth_year=d.year if d else None,
        birth_month=d.month if d else None,
        birth_day=d.day if d and d.month else None,
    )


__all__ = ["load", "ScenarioError", "defaultdict"]
