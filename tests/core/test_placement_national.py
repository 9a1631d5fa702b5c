"""Placement with every household at its own address (national.py): the same rules, the same
persons as the dense solver, and a bound that no plan beats."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refuge.core.placement import Household, Options, Shelter, place, relax
from refuge.core.placement.baseline import place_first_come_first_served
from refuge.core.placement.bounds import COST_SCALE
from refuge.core.placement.national import (
    _coarse_relaxation,
    _prices_km,
    fine_flow,
    national_bound,
    place_national,
    price_groups,
    round_flow,
)
from refuge.core.placement.sparse import (
    _SparseNetwork,
    build_sparse_instance,
    solve_dense_relaxation,
)
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


def test_refined_cells_price_a_bound_that_is_true_and_tight() -> None:
    # enough households for the refined cell relaxation (more than twice the dense cells)
    households, shelters = evacuation(4_000, 150, 1.05, seed=5, distinct_origins=True)
    plan, bound = place_national(households, shelters, Options(time_limit_s=0.2), coarse_cells=8)
    assert bound.coarse_cells > 16  # the refined cells, not the 16 dense ones
    inst = build_sparse_instance(households, shelters, Options())
    exact = solve_dense_relaxation(inst)  # every household x every shelter it may use
    persons = sum(h.size for h in households)
    assert bound.max_persons == exact.max_persons == plan.stats.placed_persons
    assert bound.person_km <= exact.person_cost + 0.001 * persons  # true (to the metre)
    assert bound.person_km >= 0.99 * exact.person_cost  # and close, even with 31 cells
    assert plan.stats.person_km <= 1.02 * bound.person_km
    assert_obeys_the_rules(households, shelters, plan)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(addresses(most_households=60, most_shelters=15), st.integers(1, 3), st.integers(1, 4))
def test_households_with_one_arc_settled_before_the_flow_change_nothing(
    case: tuple[list[Household], list[Shelter], dict[str, int]], cells: int, k: int
) -> None:
    households, shelters, quotas = case
    inst = build_sparse_instance(households, shelters, Options(quotas=quotas))
    relaxation, _, split = _coarse_relaxation(inst, cells)
    priced = price_groups(inst, _prices_km(relaxation), 4)
    g, j, persons = fine_flow(inst, priced, k, split, relaxation.max_persons)
    whole = _SparseNetwork(inst)
    take = priced.shelter[:, :k]
    rows = np.repeat(np.arange(inst.n_groups), take.shape[1])
    whole.add_pair_arcs(
        np.concatenate([rows[take.reshape(-1) >= 0], split[0]]),
        np.concatenate([take.reshape(-1)[take.reshape(-1) >= 0], split[1]]),
    )
    whole.solve(relaxation.max_persons)
    unit = np.floor(inst.cost_km(g, j) * COST_SCALE).astype(np.int64)
    assert int(persons.sum()) == relaxation.max_persons
    assert int(np.sum(persons * unit)) == whole.cost
    load = np.bincount(j, persons, inst.n_shelters)
    assert np.all(load <= inst.capacity)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(addresses(most_households=60, most_shelters=15), st.integers(1, 3))
def test_rounding_keeps_households_whole_and_shelters_within_capacity(
    case: tuple[list[Household], list[Shelter], dict[str, int]], cells: int
) -> None:
    households, shelters, quotas = case
    inst = build_sparse_instance(households, shelters, Options(quotas=quotas))
    relaxation, _, split = _coarse_relaxation(inst, cells)
    priced = price_groups(inst, _prices_km(relaxation), 6)
    g, j, persons = fine_flow(inst, priced, 1, split, relaxation.max_persons)
    plan = round_flow(inst, priced, g, j, persons)
    placed = plan >= 0
    load = np.bincount(plan[placed], inst.size[placed], inst.n_shelters)
    assert np.all(load <= inst.capacity)
    assert np.all((inst.group_mask[inst.group_of[placed]] & ~inst.shelter_mask[plan[placed]]) == 0)
    q = inst.quota_of[plan[placed]]
    used = np.bincount(q[q >= 0], inst.size[placed][q >= 0], inst.quota_limit.shape[0])
    assert np.all(used <= inst.quota_limit)
