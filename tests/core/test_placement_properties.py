"""On random small evacuations the plan obeys the rules and matches exhaustive search."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refuge.core.placement import (
    Household,
    Options,
    Placement,
    Shelter,
    place,
    place_first_come_first_served,
)
from refuge.core.placement.distance import haversine_km

NEEDS = st.frozensets(st.sampled_from(["wheelchair", "medical"]), max_size=2)
LAT = st.floats(50.0, 52.0)
LON = st.floats(34.0, 37.0)


@st.composite
def evacuations(draw: st.DrawFn, max_households: int = 7) -> tuple[list[Household], list[Shelter]]:
    n = draw(st.integers(1, max_households))
    # a few shared origins, as in real settlements, so households are interchangeable
    origins = draw(st.lists(st.tuples(LAT, LON), min_size=1, max_size=3))
    households = [
        Household(
            f"h{i}",
            draw(st.integers(1, 6)),
            *draw(st.sampled_from(origins)),
            needs=draw(NEEDS) if draw(st.booleans()) else frozenset(),
        )
        for i in range(n)
    ]
    shelters = [
        Shelter(
            f"s{j}",
            draw(st.integers(0, 12)),
            draw(LAT),
            draw(LON),
            draw(NEEDS),
            draw(st.sampled_from("AB")),
        )
        for j in range(draw(st.integers(1, 3)))
    ]
    return households, shelters


def best_by_exhaustion(
    households: Sequence[Household],
    shelters: Sequence[Shelter],
    cost: Mapping[tuple[str, str], float] | None = None,
    prefer: str | None = None,
    quotas: Mapping[str, int] | None = None,
) -> tuple[int, int, float]:
    """(persons, persons in preferred region, cost) of the best plan, by trying every plan."""
    quotas = quotas or {}
    best = (0, 0, 0.0)

    def price(h: Household, s: Shelter) -> float:
        if cost is not None:
            return h.size * cost.get((h.household_id, s.shelter_id), math.inf)
        return h.size * haversine_km(h.origin_lat, h.origin_lon, s.lat, s.lon)

    def walk(i: int, load: list[int], persons: int, preferred: int, total: float) -> None:
        nonlocal best
        if i == len(households):
            if (persons, preferred, -total) > (best[0], best[1], -best[2]):
                best = (persons, preferred, total)
            return
        walk(i + 1, load, persons, preferred, total)
        h = households[i]
        for j, s in enumerate(shelters):
            in_region = sum(load[k] for k, t in enumerate(shelters) if t.region == s.region)
            fits = load[j] + h.size <= s.capacity and in_region + h.size <= quotas.get(
                s.region, 10**9
            )
            step = price(h, s)
            if s.accepts(h) and fits and math.isfinite(step):
                load[j] += h.size
                gained = h.size if s.region == prefer else 0
                walk(i + 1, load, persons + h.size, preferred + gained, total + step)
                load[j] -= h.size

    walk(0, [0] * len(shelters), 0, 0, 0.0)
    return best


def assert_obeys_the_rules(
    households: Sequence[Household], shelters: Sequence[Shelter], plan: Placement
) -> None:
    by_id = {s.shelter_id: s for s in shelters}
    ids = [h.household_id for h in households]
    # every household exactly once: either in one shelter or listed as unplaced
    assert sorted(list(plan.assignments) + list(plan.unplaced)) == sorted(ids)
    assert [i for i in ids if i in plan.unplaced] == list(plan.unplaced)
    load = {s.shelter_id: 0 for s in shelters}
    for h in households:
        shelter_id = plan.shelter_of(h.household_id)
        if shelter_id is not None:
            assert h.needs <= by_id[shelter_id].features, (h, by_id[shelter_id])
            load[shelter_id] += h.size
    for shelter_id, persons in load.items():
        assert persons <= by_id[shelter_id].capacity
    assert plan.stats.placed_persons == sum(load.values())


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(evacuations())
def test_plan_places_the_most_persons_with_the_least_person_km(
    case: tuple[list[Household], list[Shelter]],
) -> None:
    households, shelters = case
    plan = place(households, shelters)
    assert_obeys_the_rules(households, shelters, plan)
    persons, _, km = best_by_exhaustion(households, shelters)
    assert plan.stats.placed_persons == persons
    assert math.isclose(plan.stats.person_km, km, rel_tol=1e-6, abs_tol=1e-6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(evacuations(), st.integers(0, 20))
def test_region_preference_and_quota_are_kept_and_still_optimal(
    case: tuple[list[Household], list[Shelter]], quota: int
) -> None:
    households, shelters = case
    options = Options(prefer_region="A", quotas={"B": quota})
    plan = place(households, shelters, options)
    assert_obeys_the_rules(households, shelters, plan)
    in_b = sum(
        h.size
        for h in households
        if plan.shelter_of(h.household_id) in {s.shelter_id for s in shelters if s.region == "B"}
    )
    assert in_b <= quota
    persons, preferred, km = best_by_exhaustion(
        households, shelters, prefer="A", quotas={"B": quota}
    )
    assert (plan.stats.placed_persons, plan.stats.persons_in_preferred_region) == (
        persons,
        preferred,
    )
    assert math.isclose(plan.stats.person_km, km, rel_tol=1e-6, abs_tol=1e-6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(evacuations(max_households=6), st.data())
def test_travel_matrix_replaces_distance_and_missing_pairs_are_not_used(
    case: tuple[list[Household], list[Shelter]], data: st.DataObject
) -> None:
    households, shelters = case
    minutes = {
        (h.household_id, s.shelter_id): float(data.draw(st.integers(5, 600)))
        for h in households
        for s in shelters
        if data.draw(st.booleans())
    }
    plan = place(households, shelters, Options(travel_cost=minutes))
    assert_obeys_the_rules(households, shelters, plan)
    for household_id, shelter_id in plan.assignments.items():
        assert (household_id, shelter_id) in minutes
    persons, _, person_minutes = best_by_exhaustion(households, shelters, cost=minutes)
    assert plan.stats.placed_persons == persons
    assert math.isclose(plan.stats.person_cost, person_minutes, rel_tol=1e-6, abs_tol=1e-6)


@settings(max_examples=80, deadline=None)
@given(evacuations())
def test_first_come_first_served_obeys_the_rules_and_never_beats_the_plan(
    case: tuple[list[Household], list[Shelter]],
) -> None:
    households, shelters = case
    baseline = place_first_come_first_served(households, shelters)
    assert_obeys_the_rules(households, shelters, baseline)
    plan = place(households, shelters)
    assert (plan.stats.placed_persons, -plan.stats.person_km) >= (
        baseline.stats.placed_persons,
        -baseline.stats.person_km - 1e-6,
    )


def test_no_shelters_or_no_households_is_an_empty_plan() -> None:
    family = [Household("H1", 3, 51.2, 35.3)]
    assert place(family, []).unplaced == ("H1",)
    assert place([], [Shelter("S1", 10, 51.7, 36.2)]).assignments == {}
    assert place(family, [Shelter("S1", 0, 51.7, 36.2)]).stats.placed_persons == 0
