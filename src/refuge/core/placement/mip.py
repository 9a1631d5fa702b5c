"""Exact polishing of small instances: a MIP over household classes.

Households of one origin group and one size are interchangeable, so the integer model counts
how many of each class go to each shelter instead of deciding household by household. HiGHS
starts from the rounded plan and keeps whatever it improves within the time budget; the same
lexicographic order as the relaxation is kept by fixing each settled objective as a row.

Only small models are tried: on the 4,000-household benchmark (12,837 class-shelter pairs
even when restricted to near shelters) HiGHS needed 26 s to beat the rounded plan and 140 s
to prove optimality, and overran a 1.5 s time limit by up to 6 s (docs/PLACEMENT.md).
"""

from __future__ import annotations

import time

import highspy
import numpy as np

from refuge.core.placement.bounds import Relaxation
from refuge.core.placement.distance import FloatArray
from refuge.core.placement.instance import BoolArray, Instance, IntArray

#: every allowed (class, shelter) pair is a variable, so a finished solve is provably optimal;
#: above this many pairs the MIP is not tried
MAX_VARIABLES = 3_000


def improve_with_mip(
    inst: Instance, plan: IntArray, relaxation: Relaxation, seconds: float
) -> IntArray | None:
    """A better plan than `plan` (lexicographically), or None if none was found in time."""
    deadline = time.monotonic() + seconds
    classes = _Classes(inst, plan)
    pairs = _pairs(inst, classes)
    if pairs is None:
        return None
    model = _Model(inst, classes, *pairs)
    start = model.counts_of(plan)
    phases = [("persons", relaxation.max_persons)]
    if relaxation.persons_in_preferred_region is not None:
        phases.append(("region", relaxation.persons_in_preferred_region))
    for phase, bound in phases:
        settled = model.settle(phase, start, bound, deadline)
        if settled is None:
            return None
        start = settled
    counts = model.minimise_cost(start, deadline)
    if counts is None:
        return None
    better = classes.plan_from(model.cls, model.shelter, counts)
    return better if _better(inst, better, plan) else None


class _Classes:
    def __init__(self, inst: Instance, plan: IntArray) -> None:
        key = inst.group_of * (int(inst.size.max(initial=1)) + 1) + inst.size
        self.keys, self.of = np.unique(key, return_inverse=True)
        first = np.zeros(self.keys.shape[0], dtype=np.int64)
        first[self.of[::-1]] = np.arange(len(inst.households))[::-1]
        self.group = inst.group_of[first]
        self.size = inst.size[first]
        self.count = np.bincount(self.of, minlength=self.keys.shape[0]).astype(np.int64)
        self.members = _members(self.of, self.keys.shape[0])

    def plan_from(self, cls: IntArray, shelter: IntArray, counts: FloatArray) -> IntArray:
        plan = np.full(self.of.shape[0], -1, dtype=np.int64)
        handed = np.zeros(self.count.shape[0], dtype=np.int64)
        whole = counts.astype(np.int64).tolist()
        for c, j, n in zip(cls.tolist(), shelter.tolist(), whole, strict=True):
            if n > 0:
                members = self.members[c][handed[c] : handed[c] + n]
                plan[members] = j
                handed[c] += n
        return plan


def _members(of: IntArray, n: int) -> list[IntArray]:
    order = np.argsort(of, kind="stable")
    bounds = np.searchsorted(of[order], np.arange(n + 1))
    return [order[bounds[c] : bounds[c + 1]] for c in range(n)]


def _pairs(inst: Instance, classes: _Classes) -> tuple[IntArray, IntArray] | None:
    allowed: BoolArray = np.isfinite(inst.cost)[classes.group]
    allowed &= inst.capacity[None, :] >= classes.size[:, None]
    if int(allowed.sum()) > MAX_VARIABLES:
        return None
    cls, shelter = np.nonzero(allowed)
    return cls.astype(np.int64), shelter.astype(np.int64)


class _Model:
    """Rows: one per class (households available), one per shelter (persons), one per quota."""

    def __init__(self, inst: Instance, classes: _Classes, cls: IntArray, shelter: IntArray) -> None:
        self.inst, self.classes, self.cls, self.shelter = inst, classes, cls, shelter
        self.persons = classes.size[cls].astype(np.float64)
        self.in_region = self.persons * inst.in_preferred[shelter]
        n_cls, s = classes.count.shape[0], inst.n_shelters
        quota = inst.quota_of[shelter]
        rows = [cls, n_cls + shelter]
        values = [np.ones(cls.shape[0]), self.persons]
        has_quota = quota >= 0
        rows.append(n_cls + s + quota[has_quota])
        values.append(self.persons[has_quota])
        column = np.concatenate([np.arange(cls.shape[0])] * 2 + [np.flatnonzero(has_quota)])
        row, value = np.concatenate(rows), np.concatenate(values)
        order = np.lexsort((row, column))
        starts = np.searchsorted(column[order], np.arange(cls.shape[0])).astype(np.int32)
        upper = np.concatenate([classes.count, inst.capacity, inst.quota_limit]).astype(np.float64)
        # The public highspy.Highs prints a banner on stdout when built, which would corrupt the
        # CLI's and the benchmark's output; the core class it wraps does not.
        h = highspy._core._Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", 1e-6)
        h.setOptionValue("threads", 1)
        # HiGHS 1.16 presolve returned a wrong optimum (8 persons despite a ">= 8.5 persons"
        # row added between phases, with a MIP start); without presolve it is right, and
        # these models are small enough not to need it.
        h.setOptionValue("presolve", "off")
        n_rows = upper.shape[0]
        h.addRows(
            n_rows,
            np.zeros(n_rows),
            upper,
            0,
            np.zeros(n_rows, np.int32),
            np.zeros(0, np.int32),
            np.zeros(0),
        )
        n = cls.shape[0]
        h.addCols(
            n,
            np.zeros(n),
            np.zeros(n),
            classes.count[cls].astype(np.float64),
            row.shape[0],
            starts,
            row[order].astype(np.int32),
            value[order],
        )
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.ones(n, dtype=np.uint8))
        self.highs = h

    def counts_of(self, plan: IntArray) -> FloatArray:
        """The plan as class->shelter counts over this model's variables."""
        placed = plan >= 0
        n_s = self.inst.n_shelters
        tally: IntArray = np.bincount(
            self.classes.of[placed] * n_s + plan[placed],
            minlength=self.classes.count.shape[0] * n_s,
        )
        counts: FloatArray = tally[self.cls * n_s + self.shelter].astype(np.float64)
        return counts

    def settle(
        self, phase: str, start: FloatArray, bound: int, deadline: float
    ) -> FloatArray | None:
        """Reach the relaxation's bound for persons (or region persons) if the start falls
        short, then hold the value reached as a row; returns the counts that reached it."""
        weight = self.persons if phase == "persons" else self.in_region
        counts = start
        if float(weight @ start) < bound - 0.5:
            solved = self._solve(-weight, start, deadline)
            if solved is None:
                return None
            counts = solved
        value = float(weight @ counts)
        cols = np.flatnonzero(weight).astype(np.int32)
        self.highs.addRow(value - 0.5, highspy.kHighsInf, cols.shape[0], cols, weight[cols])
        return counts

    def minimise_cost(self, start: FloatArray, deadline: float) -> FloatArray | None:
        cost = self.persons * self.inst.cost[self.classes.group[self.cls], self.shelter]
        return self._solve(cost, start, deadline)

    def _solve(
        self, objective: FloatArray, start: FloatArray, deadline: float
    ) -> FloatArray | None:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        h = self.highs
        h.changeColsCost(
            objective.shape[0], np.arange(objective.shape[0], dtype=np.int32), objective
        )
        h.setOptionValue("time_limit", left)
        h.setSolution(start.shape[0], np.arange(start.shape[0], dtype=np.int32), start)
        h.run()
        if h.getInfo().primal_solution_status != 2:  # 2 = feasible
            return None
        counts: FloatArray = np.rint(np.asarray(h.getSolution().col_value, dtype=np.float64))
        return counts


def _better(inst: Instance, candidate: IntArray, incumbent: IntArray) -> bool:
    return _rank(inst, candidate) < _rank(inst, incumbent)


def _rank(inst: Instance, plan: IntArray) -> tuple[int, int, float]:
    placed = plan >= 0
    size = inst.size[placed]
    cost = float(np.sum(size * inst.cost[inst.group_of[placed], plan[placed]]))
    return (-int(size.sum()), -int(size[inst.in_preferred[plan[placed]]].sum()), round(cost, 6))
