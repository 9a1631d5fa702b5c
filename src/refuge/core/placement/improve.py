"""Local search after rounding: move a household to a cheaper shelter with room, or swap two
households between shelters, whenever that helps; households waiting to be placed take part
as if in a virtual shelter that costs more than any real one.

Rounding leaves gaps (an allocation of 5 persons filled by a household of 3) and sends the
households that did not fit to whatever room is left, often far away. Swapping a large far
household with a smaller near one of the same origin closes exactly those gaps.
"""

from __future__ import annotations

import time

import numpy as np

from refuge.core.placement.distance import FloatArray
from refuge.core.placement.instance import BoolArray, Instance, IntArray

#: cheaper shelters examined per household when looking for a swap partner
SWAP_CANDIDATES = 24


def improve_by_local_search(inst: Instance, plan: IntArray, deadline: float) -> int:
    """Improve `plan` in place until no move or swap helps or time runs out; returns the
    number of changes made. Never places fewer persons nor fewer in the preferred region."""
    search = _Search(inst, plan)
    changes = 0
    while time.monotonic() < deadline:
        made = search.sweep(deadline)
        changes += made
        if made == 0:
            break
    return changes


class _Search:
    def __init__(self, inst: Instance, plan: IntArray) -> None:
        self.inst, self.plan = inst, plan
        s = inst.n_shelters
        finite = inst.cost[np.isfinite(inst.cost)]
        step = float(finite.max(initial=0.0)) + 1.0
        outside = np.where(inst.in_preferred, 0.0, step) if inst.in_preferred.any() else np.zeros(s)
        waiting_cost = 10.0 * (2 * step + 1.0)
        # per-person cost of each group in each shelter; column s is "not placed"
        self.cost: FloatArray = np.hstack(
            [inst.cost + outside[None, :], np.full((inst.n_groups, 1), waiting_cost)]
        )
        self.where = np.where(plan >= 0, plan, s)
        load = np.bincount(self.where, weights=inst.size, minlength=s + 1)[:s].astype(np.int64)
        self.room = np.append(inst.capacity - load, np.iinfo(np.int64).max // 4)
        quota = np.append(inst.quota_of, -1)
        self.quota_of = quota
        used = np.zeros(inst.quota_limit.shape[0], dtype=np.int64)
        np.add.at(
            used, quota[self.where][quota[self.where] >= 0], inst.size[quota[self.where] >= 0]
        )
        self.quota_left = inst.quota_limit - used
        self.occupants: list[set[int]] = [set() for _ in range(s + 1)]
        for i, j in enumerate(self.where.tolist()):
            self.occupants[j].add(i)

    def sweep(self, deadline: float) -> int:
        inst = self.inst
        own = self.cost[inst.group_of, self.where]
        best = np.min(self.cost, axis=1)[inst.group_of]
        excess = inst.size * (own - best)
        made = 0
        for i in np.argsort(-excess, kind="stable").tolist():
            if excess[i] <= 1e-9 or time.monotonic() > deadline:
                break
            if self._move(i) or self._swap(i):
                made += 1
        return made

    def _move(self, i: int) -> bool:
        size, here = int(self.inst.size[i]), int(self.where[i])
        row = self.cost[self.inst.group_of[i]]
        fits = (self.room >= size) & self._quota_allows(here, size)
        j = int(np.argmin(np.where(fits, row, np.inf)))
        if not row[j] < row[here] - 1e-9:
            return False
        self._relocate(i, j)
        return True

    def _swap(self, a: int) -> bool:
        inst = self.inst
        size_a, here = int(inst.size[a]), int(self.where[a])
        row_a = self.cost[inst.group_of[a]]
        cheaper = np.flatnonzero(row_a < row_a[here] - 1e-9)
        cheaper = cheaper[np.argsort(row_a[cheaper], kind="stable")][:SWAP_CANDIDATES]
        # only a real gain counts: swapping two households of one class changes nothing
        best_gain, partner = 1e-7 * (1.0 + float(row_a[here])), -1
        for j in cheaper.tolist():
            seen: set[tuple[int, int]] = set()
            for b in self.occupants[j]:
                size_b, group_b = int(inst.size[b]), int(inst.group_of[b])
                if (group_b, size_b) in seen:
                    continue
                seen.add((group_b, size_b))
                if not self._swap_fits(here, j, size_a, size_b):
                    continue
                row_b = self.cost[group_b]
                gain = size_a * (row_a[here] - row_a[j]) + size_b * (row_b[j] - row_b[here])
                if gain > best_gain:
                    best_gain, partner = gain, b
        if partner < 0:
            return False
        there = int(self.where[partner])
        self._relocate(a, there)
        self._relocate(partner, here)
        return True

    def _swap_fits(self, here: int, there: int, size_a: int, size_b: int) -> bool:
        if self.room[there] + size_b < size_a or self.room[here] + size_a < size_b:
            return False
        qa, qb = int(self.quota_of[here]), int(self.quota_of[there])
        if qa == qb:
            return True
        into_b, into_a = size_a - size_b, size_b - size_a
        return (qb < 0 or self.quota_left[qb] >= into_b) and (
            qa < 0 or self.quota_left[qa] >= into_a
        )

    def _quota_allows(self, here: int, size: int) -> BoolArray:
        left = np.append(self.quota_left, np.iinfo(np.int64).max // 4)
        ok: BoolArray = left[self.quota_of] >= size
        ok |= self.quota_of == self.quota_of[here]
        return ok

    def _relocate(self, i: int, j: int) -> None:
        size, here = int(self.inst.size[i]), int(self.where[i])
        self.occupants[here].discard(i)
        self.occupants[j].add(i)
        self.room[here] += size
        self.room[j] -= size
        if self.quota_of[here] >= 0:
            self.quota_left[self.quota_of[here]] += size
        if self.quota_of[j] >= 0:
            self.quota_left[self.quota_of[j]] -= size
        self.where[i] = j
        self.plan[i] = j if j < self.inst.n_shelters else -1
