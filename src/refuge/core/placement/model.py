"""The words of placement: households, shelters, what the coordinator asks for, what comes back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: The needs a household can have and, the same words, the features a shelter can offer.
NEED_WORDS: frozenset[str] = frozenset({"wheelchair", "medical"})


@dataclass(frozen=True, slots=True)
class Household:
    household_id: str
    size: int
    origin_lat: float
    origin_lon: float
    needs: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.size < 1:
            raise ValueError(f"household {self.household_id}: size must be at least 1")
        _check_position(self.household_id, self.origin_lat, self.origin_lon)
        _check_words(self.household_id, self.needs)


@dataclass(frozen=True, slots=True)
class Shelter:
    shelter_id: str
    capacity: int
    lat: float
    lon: float
    features: frozenset[str] = frozenset()
    region: str = ""

    def __post_init__(self) -> None:
        if self.capacity < 0:
            raise ValueError(f"shelter {self.shelter_id}: capacity cannot be negative")
        _check_position(self.shelter_id, self.lat, self.lon)
        _check_words(self.shelter_id, self.features)

    def accepts(self, household: Household) -> bool:
        return household.needs <= self.features


@dataclass(frozen=True, slots=True)
class Options:
    """What the coordinator asks for beyond the rules.

    travel_cost: (household_id, shelter_id) -> minutes; when given it replaces great-circle km
    as the cost to minimise, and a pair missing from it means "cannot go there".
    prefer_region: keep as many persons as possible in shelters of this region (after placing
    the most persons, before saving distance).
    quotas: region -> most persons its shelters may receive in this placement.
    time_limit_s: budget for the exact (MIP) polishing step; the rounded plan is kept if the
    budget runs out.
    max_origin_groups: above this many distinct origins, origins are merged into cells of
    origin_cell_deg degrees so the model stays small.
    """

    travel_cost: Mapping[tuple[str, str], float] | None = None
    prefer_region: str | None = None
    quotas: Mapping[str, int] = field(default_factory=dict)
    time_limit_s: float = 1.0
    max_origin_groups: int = 4000
    origin_cell_deg: float = 0.01


@dataclass(frozen=True, slots=True)
class PlacementStats:
    households: int
    persons: int
    placed_households: int
    placed_persons: int
    person_km: float
    #: the minimised cost: person-km, or person-minutes with a travel matrix
    person_cost: float
    persons_in_preferred_region: int
    method: str


@dataclass(frozen=True, slots=True)
class Placement:
    #: household_id -> shelter_id, for every placed household
    assignments: Mapping[str, str]
    #: household_ids that could not be placed, in input order
    unplaced: tuple[str, ...]
    stats: PlacementStats

    def shelter_of(self, household_id: str) -> str | None:
        return self.assignments.get(household_id)


def _check_position(owner: str, lat: float, lon: float) -> None:
    if not -90.0 <= lat <= 90.0:
        raise ValueError(f"{owner}: latitude {lat} is outside -90..90")
    if not -180.0 <= lon <= 180.0:
        raise ValueError(f"{owner}: longitude {lon} is outside -180..180")


def _check_words(owner: str, words: frozenset[str]) -> None:
    unknown = words - NEED_WORDS
    if unknown:
        raise ValueError(f"{owner}: unknown need/feature {sorted(unknown)}")
