"""Placement with every household at its own address (national.py): the same rules, the same
persons as the dense solver, and a bound that no plan beats."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refuge.core.placement import Household, Options, Shelter, place, relax
from refuge.core.placement.baseline import place_first_come_first_served
from refuge.core.placement.national import national_bound, place_national
from refuge.core.placement.synthetic import evacuation
from tests.core.test_placement_properties import assert_obeys_the_rules, best_by_exhaustion

NEEDS = st.frozensets(st.sampled_from(["wheelchair", "medical"]), max_size=2)
LAT = st.floats(50.0, 52.5)
LON = st.floats(33.5, 37.5)


@st.composite
def addresses(
    draw: st.DrawFn, most_households: int = 40, most_shelters: int = 12
) -> tuple[list[Household], list[Shelter], dict[str, int]]:
    # every household at its own address, now and then two at one (a block of flats)
    origins = draw(st.lists(st.tuples(LAT, LON), min_size=1, max_size=most_households))
    households = [
        Household(
            f"{4_000 + i}",
            draw(st.sampled_from([1, 1, 2, 2, 3, 4, 7])),
            *draw(st.sampled_from(origins)),
            needs=draw(NEEDS) if draw(st.integers(0, 3)) == 0 else frozenset(),
        )
        for i in range(draw(st.integers(1, most_households)))
    ]
    shelters = [
        Shelter(
            f"ШКОЛА-{j}",
            draw(st.integers(0, 30)),
            draw(LAT),
            draw(LON),
            draw(NEEDS),
            draw(st.sampled_from(["KUR", "ORL", "VOR"])),
        )
        for j in range(draw(st.integers(1, most_shelters)))
    ]
    quotas = draw(st.dictionaries(st.sampled_from(["KUR", "ORL"]), st.integers(0, 80)))
    return households, shelters, quotas


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(addresses(), st.integers(1, 6))
def test_sparse_plan_places_the_dense_persons_and_the_bound_holds(
    case: tuple[list[Household], list[Shelter], dict[str, int]], cells: int
) -> None:
    households, shelters, quotas = case
    options = Options(quotas=quotas, time_limit_s=0.2)
    plan, bound = place_national(households, shelters, options, coarse_cells=cells)
    assert_obeys_the_rules(households, shelters, plan)
    region = {s.shelter_id: s.region for s in shelters}
    for code, most in quotas.items():
        size = {h.household_id: h.size for h in households}
        into = sum(size[h] for h, s in plan.assignments.items() if region[s] == code)
        assert into <= most
    dense = place(households, shelters, replace(options, max_origin_groups=10**9))
    exact = relax(households, shelters, replace(options, max_origin_groups=10**9))
    # the most persons, exactly the bound's (whole households on these sizes)
    assert bound.max_persons == exact.max_persons
    assert plan.stats.placed_persons == dense.stats.placed_persons
    # the bound is below the exact relaxation (floored to metres, hence the metre a person)
    # and below every plan placing its persons, the dense one included (a plan placing
    # fewer, because households are whole, may cost less: the bound is not about it)
    persons = sum(h.size for h in households)
    assert bound.person_km <= exact.person_cost + 0.001 * persons
    if plan.stats.placed_persons == bound.max_persons:
        assert bound.person_km <= dense.stats.person_km + 1e-6
        assert bound.person_km <= plan.stats.person_km + 1e-6


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(addresses(most_households=6, most_shelters=3), st.integers(1, 3))
def test_bound_is_below_the_true_optimum_found_by_trying_every_plan(
    case: tuple[list[Household], list[Shelter], dict[str, int]], cells: int
) -> None:
    households, shelters, quotas = case
    bound = national_bound(households, shelters, Options(quotas=quotas), coarse_cells=cells)
    persons, _, km = best_by_exhaustion(households, shelters, quotas=quotas)
    # max_persons is the split-household maximum: whole households can only place fewer
    assert bound.max_persons >= persons
    if bound.max_persons == persons:
        assert bound.person_km <= km + 1e-6


def test_wheelchair_users_only_where_there_is_access_and_families_whole() -> None:
    households, shelters = evacuation(6_000, 300, 1.05, seed=7, distinct_origins=True)
    assert len({(h.origin_lat, h.origin_lon) for h in households}) == len(households)
    plan = place(households, shelters)  # above max_origin_groups: the national path
    assert plan.stats.method.startswith("sparse-flow-rounding")
    assert_obeys_the_rules(households, shelters, plan)
    bound = relax(households, shelters)
    assert plan.stats.placed_persons == bound.max_persons
    assert bound.person_cost <= plan.stats.person_km <= 1.01 * bound.person_cost
    first_come = place_first_come_first_served(households, shelters)
    assert_obeys_the_rules(households, shelters, first_come)
    assert first_come.stats.person_km > plan.stats.person_km
