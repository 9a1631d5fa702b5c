"""Who leaves, from where, when, and where they go: the evacuation as a stream of households.

The shape follows the Kursk oblast evacuation of August 2024 as the emergencies
ministry and the oblast government reported it: departures peaked in the first
days after 6 August (about 76,000 had left by 10 August) and fell to about 650 a
day by 18-19 August, with more than 121,000 relocated in all; about 8% went to
temporary shelters, roughly two in three of them inside the oblast.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate

from refuge.core.geodesy import great_circle_km
from refuge.core.population.households import HouseholdMaker, HouseholdMembers


@dataclass(frozen=True)
class Origin:
    """A settlement people leave, once an order covers it."""

    key: int
    district: str
    lat: float
    lon: float
    population: int
    covered_from: datetime


@dataclass(frozen=True)
class ReceptionSite:
    key: int
    lat: float
    lon: float


@dataclass(frozen=True)
class Window:
    """Persons who leave between start and end (the report's 24-hour windows)."""

    start: datetime
    end: datetime
    persons: int


@dataclass(frozen=True)
class Departure:
    ref: int
    origin: int
    district: str
    left_at: datetime
    mode: str  # "organised" | "own"
    reception: int
    registered_at: datetime
    destination: str  # "shelter" | "relatives" | "own_housing"
    shelter_in_affected_region: bool  # only meaningful for destination "shelter"
    destination_region: str | None  # for relatives / own housing
    stay_days: float | None  # shelter stay before leaving for relatives, if they leave
    household: HouseholdMembers


# Persons leaving in each 24-hour window ending at 08:00 Moscow time, from the
# window ending 7 August 08:00 to the one ending 19 August 08:00.
KURSK_2024_DAILY = (
    4000,
    15500,
    21500,
    19500,
    16000,
    13000,
    10500,
    8000,
    6500,
    3500,
    2200,
    1200,
    700,
)

# Where people who went to relatives or their own housing went (shares; the rest of
# the oblast first, then Moscow and the neighbouring regions), after the oblast
# government's statements that most stayed with family in Kursk and nearby regions.
RELATIVES_REGIONS = (
    ("RU-KRS", 54),
    ("RU-MOW", 9),
    ("RU-MOS", 6),
    ("RU-BEL", 4),
    ("RU-ORL", 4),
    ("RU-VOR", 4),
    ("RU-BRY", 3),
    ("RU-LIP", 3),
    ("RU-TUL", 2),
    ("RU-SPE", 2),
    ("RU-KDA", 2),
    ("RU-ROS", 2),
    ("RU-TAM", 1),
    ("RU-KLU", 1),
    ("RU-RYA", 1),
    ("RU-NIZ", 1),
    ("RU-TA", 1),
)

# Hour-of-day weights for departures: few leave at night.
_HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 10, 10, 10, 10, 9, 9, 8, 7, 6, 4, 3, 2, 1)

# How likely each household type is to need a shelter, relative to the average.
_SHELTER_AFFINITY = {
    "elderly_alone": 2.0,
    "elderly_couple": 1.2,
    "couple_with_children": 0.8,
    "single_parent": 1.3,
    "three_generations": 0.7,
    "couple": 0.6,
    "adult_alone": 0.7,
}


def daily_windows(first_end: datetime, persons: Sequence[int], scale: float) -> list[Window]:
    return [
        Window(
            first_end + timedelta(days=i - 1),
            first_end + timedelta(days=i),
            max(0, round(n * scale)),
        )
        for i, n in enumerate(persons)
    ]


@dataclass
class _Quota:
    """Keeps a running share close to its target, so small scenarios come out exact too."""

    share: float
    taken: int = 0
    seen: int = 0

    def wants(self, rng: random.Random, size: int, affinity: float) -> bool:
        deficit = self.share * (self.seen + size) - self.taken
        if deficit <= 0:
            p = self.share * affinity * 0.3
        else:
            p = min(1.0, self.share * affinity * (1 + deficit / 5))
        return rng.random() < p

    def count(self, size: int, taken: bool) -> None:
        self.seen += size
        self.taken += size if taken else 0


class Evacuation:
    def __init__(
        self,
        origins: Sequence[Origin],
        receptions: Sequence[ReceptionSite],
        *,
        seed: int,
        scale: float,
        shelter_share: float = 0.082,
        affected_share_of_sheltered: float = 0.69,
        relatives_regions: Sequence[tuple[str, int]] = RELATIVES_REGIONS,
    ) -> None:
        if not origins:
            raise ValueError("no settlements to evacuate")
        if not receptions:
            raise ValueError("no reception points")
        self.rng = random.Random(seed)
        self.maker = HouseholdMaker(self.rng)
        self.origins = list(origins)
        self.receptions = list(receptions)
        self.scale = scale
        # People keep leaving a settlement until about nine in ten have gone.
        self.remaining = {o.key: max(1.0, 0.9 * o.population * scale) for o in origins}
        self.sheltered = _Quota(shelter_share)
        self.affected = _Quota(affected_share_of_sheltered)
        codes, weights = zip(*relatives_regions, strict=True)
        self._relatives = (list(codes), list(accumulate(weights)))
        self._nearest = {o.key: self._nearest_receptions(o) for o in origins}
        self._ref = 0

    def run(self, windows: Sequence[Window]) -> Iterator[Departure]:
        for window in windows:
            yield from self._window(window)

    def _window(self, window: Window) -> Iterator[Departure]:
        eligible = [o for o in self.origins if o.covered_from < window.end]
        if not eligible:
            return
        cum = list(accumulate(self.remaining[o.key] for o in eligible))
        left = window.persons
        while left > 0:
            origin = eligible[bisect.bisect_right(cum, self.rng.random() * cum[-1])]
            household = self.maker.make()
            left -= household.size
            self.remaining[origin.key] = max(1.0, self.remaining[origin.key] - household.size)
            yield self._departure(window, origin, household)

    def _departure(self, window: Window, origin: Origin, household: HouseholdMembers) -> Departure:
        rng = self.rng
        left_at = self._time_in(window, not_before=origin.covered_from)
        to_shelter = self.sheltered.wants(rng, household.size, _SHELTER_AFFINITY[household.kind])
        self.sheltered.count(household.size, to_shelter)
        in_affected = False
        if to_shelter:
            in_affected = self.affected.wants(rng, household.size, 1.0)
            self.affected.count(household.size, in_affected)
        destination = "shelter"
        region = None
        if not to_shelter:
            destination = "own_housing" if rng.random() < 0.08 else "relatives"
            region = "RU-KRS" if destination == "own_housing" else self._relatives_region()
        nearest = self._nearest[origin.key]
        self._ref += 1
        return Departure(
            ref=self._ref,
            origin=origin.key,
            district=origin.district,
            left_at=left_at,
            mode="organised" if rng.random() < (0.4 if to_shelter else 0.25) else "own",
            reception=nearest[0] if rng.random() < 0.75 or len(nearest) == 1 else nearest[1],
            registered_at=left_at + timedelta(minutes=rng.randint(40, 300)),
            destination=destination,
            shelter_in_affected_region=in_affected,
            destination_region=region,
            stay_days=rng.uniform(2, 8) if to_shelter and rng.random() < 0.04 else None,
            household=household,
        )

    def _time_in(self, window: Window, not_before: datetime) -> datetime:
        start = max(window.start, not_before)
        span = (window.end - start).total_seconds()
        for _ in range(20):
            at = start + timedelta(seconds=self.rng.random() * span)
            if self.rng.random() * 10 < _HOUR_WEIGHTS[at.hour]:
                return at
        return at

    def _relatives_region(self) -> str:
        codes, cum = self._relatives
        return str(self.rng.choices(codes, cum_weights=cum)[0])

    def _nearest_receptions(self, origin: Origin) -> list[int]:
        ranked = sorted(
            self.receptions, key=lambda r: great_circle_km((origin.lat, origin.lon), (r.lat, r.lon))
        )
        return [r.key for r in ranked[:2]]
