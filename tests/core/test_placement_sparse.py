"""The sparse relaxation, grown by pricing, is the dense relaxation: same persons, same cost.

Its bound is only a true bound if no arc left out of the network could improve it; these
instances are small enough to solve with every arc and compare.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refuge.core.placement import Household, Options, Shelter, relax
from refuge.core.placement.sparse import (
    build_sparse_instance,
    solve_dense_relaxation,
    solve_sparse_relaxation,
)
from refuge.core.placement.synthetic import evacuation

NEEDS = st.frozensets(st.sampled_from(["wheelchair", "medical"]), max_size=2)
LAT = st.floats(50.0, 52.5)
LON = st.floats(33.5, 37.5)


@st.composite
def evacuations(draw: st.DrawFn) -> tuple[list[Household], list[Shelter], dict[str, int]]:
    # origins mostly distinct (geocoded addresses), a few shared (a block of flats)
    origins = draw(st.lists(st.tuples(LAT, LON), min_size=1, max_size=40))
    households = [
        Household(
            f"{1_000_000 + i}",
            draw(st.integers(1, 7)),
            *draw(st.sampled_from(origins)),
            needs=draw(NEEDS) if draw(st.integers(0, 3)) == 0 else frozenset(),
        )
        for i in range(draw(st.integers(1, 60)))
    ]
    shelters = [
        Shelter(
            f"ШКОЛА-{j}",
            draw(st.integers(0, 25)),
            draw(LAT),
            draw(LON),
            draw(NEEDS),
            draw(st.sampled_from(["KUR", "ORL", "VOR"])),
        )
        for j in range(draw(st.integers(1, 30)))
    ]
    quotas = draw(st.dictionaries(st.sampled_from(["KUR", "ORL"]), st.integers(0, 60)))
    return households, shelters, quotas


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(evacuations(), st.integers(1, 4), st.integers(2, 8))
def test_priced_sparse_network_has_the_dense_optimum(
    evacuation_: tuple[list[Household], list[Shelter], dict[str, int]],
    first_shelters: int,
    coarse_cells: int,
) -> None:
    households, shelters, quotas = evacuation_
    inst = build_sparse_instance(households, shelters, Options(quotas=quotas))
    sparse = solve_sparse_relaxation(inst, first_shelters, coarse_cells)
    dense = solve_dense_relaxation(inst)
    assert sparse.max_persons == dense.max_persons
    assert sparse.person_cost == dense.person_cost  # both floored to whole metres: exact
    # and the relaxation the solver has always used agrees (to its own rounding of origins)
    reference = relax(households, shelters, Options(quotas=quotas))
    assert sparse.max_persons == reference.max_persons
    assert abs(sparse.person_cost - reference.person_cost) <= 0.001 * sum(
        h.size for h in households
    )


def test_scenario_with_distinct_addresses_needs_few_arcs_beyond_the_nearest() -> None:
    households, shelters = evacuation(1_500, 200, 1.05, seed=3, distinct_origins=True)
    inst = build_sparse_instance(households, shelters, Options())
    assert inst.n_groups == len(households)
    sparse = solve_sparse_relaxation(inst)
    dense = solve_dense_relaxation(inst)
    assert (sparse.max_persons, sparse.person_cost) == (dense.max_persons, dense.person_cost)
    assert sparse.arcs < dense.arcs / 5
