"""First come, first served: each household, in registration order, to the nearest shelter
that accepts it and still has room. What a desk does by hand; the benchmark's comparison."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from refuge.core.placement.instance import Instance, IntArray, build_instance
from refuge.core.placement.model import Household, Options, Placement, Shelter
from refuge.core.placement.solver import placement_from_plan, uses_national_path


def place_first_come_first_served(
    households: Sequence[Household], shelters: Sequence[Shelter], options: Options | None = None
) -> Placement:
    options = options or Options()
    if uses_national_path(households, options):  # no origins x shelters matrix
        from refuge.core.placement.national import first_come_first_served_national

        return first_come_first_served_national(households, shelters, options)
    inst = build_instance(households, shelters, options)
    return placement_from_plan(inst, first_come_first_served_plan(inst), "first-come-first-served")


def first_come_first_served_plan(inst: Instance) -> IntArray:
    """Households of one origin group share its shelters sorted by cost; a cursor per (group,
    size) skips shelters already too full for that size, since room only ever shrinks."""
    residual = inst.capacity.copy()
    quota_left = inst.quota_limit.copy()
    ranked = np.argsort(inst.cost, axis=1, kind="stable")
    reachable = np.isfinite(inst.cost).sum(axis=1)
    cursor: dict[tuple[int, int], int] = {}
    plan = np.full(len(inst.households), -1, dtype=np.int64)
    for i in range(len(inst.households)):
        g, size = int(inst.group_of[i]), int(inst.size[i])
        k = cursor.get((g, size), 0)
        while k < reachable[g] and not _has_room(
            inst, residual, quota_left, int(ranked[g, k]), size
        ):
            k += 1
        cursor[(g, size)] = k
        if k < reachable[g]:
            j = int(ranked[g, k])
            plan[i] = j
            residual[j] -= size
            if inst.quota_of[j] >= 0:
                quota_left[inst.quota_of[j]] -= size
    return plan


def _has_room(inst: Instance, residual: IntArray, quota_left: IntArray, j: int, size: int) -> bool:
    q = int(inst.quota_of[j])
    return bool(residual[j] >= size and (q < 0 or quota_left[q] >= size))
