"""Whole households into shelters: round the relaxation, place what is left, polish exactly.

1. The relaxation (bounds.py) says how many persons of each origin group go to each shelter.
2. Rounding fills each of those allocations with whole households of the group, largest first,
   cheapest shelter first; allocations are never exceeded, so capacities, quotas and the
   preferred-region count of the relaxation stay respected.
3. Households that did not fit go, largest first, to the cheapest shelter that still has room.
4. Local search (improve.py) moves and swaps households while it helps, within the budget.
5. When the instance is small enough, a MIP over (origin group, household size) classes,
   started from that plan, searches for a better one within the time budget (HiGHS); on
   tiny instances it proves the plan optimal.

docs/PLACEMENT.md gives the measurements behind this choice.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from refuge.core.placement.bounds import Relaxation, solve_relaxation
from refuge.core.placement.improve import improve_by_local_search
from refuge.core.placement.instance import (
    BoolArray,
    Instance,
    IntArray,
    build_instance,
    person_km,
)
from refuge.core.placement.mip import improve_with_mip
from refuge.core.placement.model import Household, Options, Placement, PlacementStats, Shelter


def place(
    households: Sequence[Household], shelters: Sequence[Shelter], options: Options | None = None
) -> Placement:
    """Most persons placed, then (optionally) most in the preferred region, then least cost."""
    options = options or Options()
    if uses_national_path(households, options):
        from refuge.core.placement.national import place_national

        return place_national(households, shelters, options)[0]
    started = time.monotonic()
    inst = build_instance(households, shelters, options)
    if not households or not shelters:
        return placement_from_plan(inst, np.full(len(households), -1, np.int64), "nothing to place")
    relaxation = solve_relaxation(inst)
    plan = round_relaxation(inst, relaxation)
    place_leftovers(inst, plan)
    method = "flow-rounding"
    if improve_by_local_search(inst, plan, started + options.time_limit_s):
        method += "+local-search"
    remaining = options.time_limit_s - (time.monotonic() - started)
    if remaining > 0:
        better = improve_with_mip(inst, plan, relaxation, remaining)
        if better is not None:
            plan, method = better, method + "+mip"
    return placement_from_plan(inst, plan, method)


def uses_national_path(households: Sequence[Household], options: Options) -> bool:
    """More distinct origins than the dense model takes (households geocoded one by one),
    great-circle costs and no preferred region: national.py, with no origins x shelters
    matrix and a bound that is a bound of the households as they are. Otherwise the dense
    model below (with a preferred region, origins are still merged into cells there)."""
    if options.travel_cost is not None or options.prefer_region is not None:
        return False
    origins = {(h.origin_lat, h.origin_lon) for h in households}
    return len(origins) > options.max_origin_groups


def round_relaxation(inst: Instance, relaxation: Relaxation) -> IntArray:
    """Shelter index per household (-1: not yet placed) filling the relaxation's allocations."""
    plan = np.full(len(inst.households), -1, dtype=np.int64)
    members = _members_by_size(inst)
    order = np.lexsort(
        (inst.cost[relaxation.flow_group, relaxation.flow_shelter], relaxation.flow_group)
    )
    for k in order.tolist():
        g, j = int(relaxation.flow_group[k]), int(relaxation.flow_shelter[k])
        room = int(relaxation.flow_persons[k])
        for size in sorted(members[g], reverse=True):
            waiting = members[g][size]
            take = min(len(waiting), room // size)
            for _ in range(take):
                plan[waiting.pop()] = j
            room -= take * size
            if room == 0:
                break
    return plan


def place_leftovers(inst: Instance, plan: IntArray) -> None:
    """Largest first, to the cheapest shelter with room (preferred region first, if asked)."""
    residual = inst.capacity - np.bincount(
        plan[plan >= 0], weights=inst.size[plan >= 0], minlength=inst.n_shelters
    ).astype(np.int64)
    quota_left = _quota_left(inst, plan)
    outside_penalty = (
        np.where(inst.in_preferred, 0.0, _beyond_any_cost(inst)) if inst.in_preferred.any() else 0.0
    )
    waiting = np.flatnonzero(plan < 0)
    for i in waiting[np.argsort(-inst.size[waiting], kind="stable")].tolist():
        size = int(inst.size[i])
        room = (residual >= size) & _quota_room(inst, quota_left, size)
        key = np.where(room, inst.cost[inst.group_of[i]] + outside_penalty, np.inf)
        j = int(np.argmin(key))
        if np.isfinite(key[j]):
            plan[i] = j
            residual[j] -= size
            if inst.quota_of[j] >= 0:
                quota_left[inst.quota_of[j]] -= size


def placement_from_plan(inst: Instance, plan: IntArray, method: str) -> Placement:
    placed = plan >= 0
    assignments = {
        h.household_id: inst.shelters[int(j)].shelter_id
        for h, j in zip(inst.households, plan.tolist(), strict=True)
        if j >= 0
    }
    groups = inst.group_of[placed]
    cost = float(np.sum(inst.size[placed] * inst.cost[groups, plan[placed]]))
    km = person_km(inst.households, inst.shelters, plan) if inst.options.travel_cost else cost
    if inst.options.travel_cost is None:
        km = person_km(inst.households, inst.shelters, plan)
        cost = km
    return Placement(
        assignments=assignments,
        unplaced=tuple(
            h.household_id for h, j in zip(inst.households, plan.tolist(), strict=True) if j < 0
        ),
        stats=PlacementStats(
            households=len(inst.households),
            persons=int(inst.size.sum()),
            placed_households=int(placed.sum()),
            placed_persons=int(inst.size[placed].sum()),
            person_km=km,
            person_cost=cost,
            persons_in_preferred_region=int(
                inst.size[placed][inst.in_preferred[plan[placed]]].sum()
            ),
            method=method,
        ),
    )


def _members_by_size(inst: Instance) -> list[dict[int, list[int]]]:
    members: list[dict[int, list[int]]] = [{} for _ in range(inst.n_groups)]
    # reversed so that pop() hands out households in input order
    for i in range(len(inst.households) - 1, -1, -1):
        members[int(inst.group_of[i])].setdefault(int(inst.size[i]), []).append(i)
    return members


def _quota_left(inst: Instance, plan: IntArray) -> IntArray:
    placed = plan >= 0
    quota = inst.quota_of[plan[placed]]
    used = np.bincount(
        quota[quota >= 0],
        weights=inst.size[placed][quota >= 0],
        minlength=inst.quota_limit.shape[0],
    )
    return inst.quota_limit - used.astype(np.int64)


def _quota_room(inst: Instance, quota_left: IntArray, size: int) -> BoolArray:
    if quota_left.shape[0] == 0:
        return np.ones(inst.n_shelters, dtype=np.bool_)
    ok = np.append(quota_left >= size, True)
    return ok[inst.quota_of]  # quota_of == -1 picks the trailing True


def _beyond_any_cost(inst: Instance) -> float:
    finite = inst.cost[np.isfinite(inst.cost)]
    return float(finite.max(initial=0.0)) + 1.0
