"""Django-side entry to the placement engine: shelters and households in, shelters out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from refuge.core import placement as engine
from refuge.core.placement.distance import haversine_km
from refuge.core.placement.model import Household as Need
from refuge.core.placement.model import Options
from refuge.core.placement.model import Shelter as Offer
from refuge.registry.models import Household
from refuge.shelters.models import Shelter

ENGINE_WORDS = frozenset({"wheelchair", "medical"})


@dataclass(frozen=True)
class ShelterRequest:
    # None while the registrar is still filling in the form: a suggestion comes first.
    household: Household | None
    size: int
    lat: float
    lon: float
    needs: frozenset[str]


def plan_for_households(
    requests: Sequence[ShelterRequest],
    shelters: Sequence[Shelter],
    options: Options | None = None,
) -> list[Shelter | None]:
    """The best shelter for each household (None where none has room), in request order.

    Free places are read from the shelters as given: the caller then takes them with
    do_assign, which refuses if a concurrent desk took them first.
    """
    by_id = {str(s.pk): s for s in shelters}
    offers = [
        Offer(
            shelter_id=str(s.pk),
            capacity=s.free,
            lat=s.lat,
            lon=s.lon,
            features=s.features & ENGINE_WORDS,
            region=str(s.region_id),
        )
        for s in shelters
        if s.free > 0
    ]
    needs = [
        Need(
            household_id=str(i),
            size=r.size,
            origin_lat=r.lat,
            origin_lon=r.lon,
            needs=r.needs & ENGINE_WORDS,
        )
        for i, r in enumerate(requests)
    ]
    if not offers or not needs:
        return [None] * len(requests)
    placement = engine.place(needs, offers, options or Options())
    return [
        by_id[sid] if (sid := placement.shelter_of(str(i))) is not None else None
        for i in range(len(requests))
    ]


def household_need(household: Household, people: Sequence[object] | None = None) -> Need:
    """The engine's view of a household: its size, home settlement and needs."""
    members = list(household.members.all()) if people is None else list(people)
    return Need(
        household_id=str(household.pk),
        size=len(members),
        origin_lat=household.origin.lat,
        origin_lon=household.origin.lon,
        needs=frozenset().union(*(m.needs for m in members)) & ENGINE_WORDS,
    )


def shelter_offer(shelter: Shelter, capacity: int | None = None) -> Offer:
    return Offer(
        shelter_id=str(shelter.pk),
        capacity=shelter.free if capacity is None else capacity,
        lat=shelter.lat,
        lon=shelter.lon,
        features=shelter.features & ENGINE_WORDS,
        region=str(shelter.region_id),
    )


@dataclass(frozen=True)
class BatchPlan:
    placement: engine.Placement
    first_come: engine.Placement
    #: household_id -> why it could not be placed
    unplaced_reasons: dict[str, str]


def plan_for_waiting(
    households: Sequence[Household], shelters: Sequence[Shelter], options: Options | None = None
) -> BatchPlan:
    """The engine's plan for households in registration order, and first come, first served
    on the same households and free places for comparison."""
    needs = [household_need(h) for h in households if h.members.all()]
    offers = [shelter_offer(s) for s in shelters if s.free > 0]
    options = options or Options()
    placement = engine.place(needs, offers, options)
    first_come = engine.place_first_come_first_served(needs, offers, options)
    by_id = {n.household_id: n for n in needs}
    return BatchPlan(
        placement=placement,
        first_come=first_come,
        unplaced_reasons={i: unplaced_reason(by_id[i], offers) for i in placement.unplaced},
    )


def unplaced_reason(need: Need, offers: Sequence[Offer]) -> str:
    """Why a household is left out, as a code the page words: no shelter meets its needs
    ("needs"), none has room for it together ("together"), or the places that would fit went
    to others so that more persons are placed ("taken")."""
    if not any(o.accepts(need) for o in offers):
        return "needs"
    if not any(o.accepts(need) and o.capacity >= need.size for o in offers):
        return "together"
    return "taken"


def distance_km(household: Household, shelter: Shelter) -> float:
    return haversine_km(household.origin.lat, household.origin.lon, shelter.lat, shelter.lon)


def recommend_standby(
    households: Sequence[Household], standby: Sequence[Shelter]
) -> list[tuple[Shelter, engine.StandbyRecommendation]]:
    """Standby shelters to open next for these waiting households, first one first."""
    by_pk = {str(s.pk): s for s in standby}
    needs = [household_need(h) for h in households if h.members.all()]
    offers = [shelter_offer(s, capacity=s.capacity) for s in standby]
    return [(by_pk[r.shelter_id], r) for r in engine.recommend_standby_shelters(needs, offers)]
