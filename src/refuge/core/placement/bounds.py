"""The fractional relaxation: a household's persons may be split across shelters.

It is the yardstick for every plan: its persons are an upper bound on what any plan can place,
its cost a lower bound on the person-km of any plan placing that many. The solver also rounds
its flows into whole households.

Split persons turn placement into a min-cost flow over origin groups (households from one
origin with the same needs): source -> group -> shelter -> [quota region] -> [in/out of the
preferred region] -> sink. OR-Tools solves it exactly; the order "most persons, then most in
the preferred region, then least cost" is kept by solving twice rather than by a big-M weight,
which would either overflow or not be lexicographic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from refuge.core.placement.instance import Instance, IntArray, build_instance
from refuge.core.placement.model import Household, Options, Shelter

#: integer cost units per km (or per minute): metres. Costs are floored so the optimum of the
#: integer network is still a lower bound of the true relaxation.
COST_SCALE = 1000.0


class RelaxationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Relaxation:
    max_persons: int
    persons_in_preferred_region: int | None
    #: least person-km (person-minutes with a travel matrix) of any split plan placing
    #: max_persons (and persons_in_preferred_region): a lower bound for whole households.
    #: Costs are floored to whole metres for the integer network, so this is at most a metre
    #: per person below the exact relaxation, never above it.
    person_cost: float
    #: exact cost of the flows below (at most a metre per person above person_cost)
    flow_cost: float
    flow_group: IntArray
    flow_shelter: IntArray
    flow_persons: IntArray
    arcs: int


def relax(
    households: Sequence[Household], shelters: Sequence[Shelter], options: Options | None = None
) -> Relaxation:
    """The bound of the households as they are. With more distinct origins than
    options.max_origin_groups (and no travel matrix) the dense model would merge origins
    into cells, and its optimum would not bound the households' own: the bound then comes
    from national.py (weak duality, every origin priced against every shelter), with no
    flows, and a preferred region counted exactly but not in the cost (a relaxation too)."""
    options = options or Options()
    origins = {(h.origin_lat, h.origin_lon) for h in households}
    if options.travel_cost is None and len(origins) > options.max_origin_groups:
        return _national_relaxation(households, shelters, options)
    return solve_relaxation(build_instance(households, shelters, options))


def _national_relaxation(
    households: Sequence[Household], shelters: Sequence[Shelter], options: Options
) -> Relaxation:
    from refuge.core.placement.national import national_bound

    bound = national_bound(households, shelters, options)
    in_region = None
    if options.prefer_region is not None:
        # how many can stay in the region depends on needs only: one origin per need
        by_need: dict[frozenset[str], int] = {}
        for h in households:
            by_need[h.needs] = by_need.get(h.needs, 0) + h.size
        merged = [
            Household(f"need-{i}", persons, 0.0, 0.0, needs)
            for i, (needs, persons) in enumerate(sorted(by_need.items(), key=str))
        ]
        in_region = solve_relaxation(
            build_instance(merged, shelters, options)
        ).persons_in_preferred_region
    empty = np.zeros(0, np.int64)
    return Relaxation(
        max_persons=bound.max_persons,
        persons_in_preferred_region=in_region,
        person_cost=bound.person_km,
        flow_cost=bound.person_km,
        flow_group=empty,
        flow_shelter=empty,
        flow_persons=empty,
        arcs=bound.coarse_arcs,
    )


def solve_relaxation(inst: Instance) -> Relaxation:
    groups, shelters = np.nonzero(np.isfinite(inst.cost) & (inst.capacity > 0)[None, :])
    in_region: int | None = None
    out_limit: int | None = None
    if inst.in_preferred.any():
        network = _Network(inst, groups, shelters, np.zeros(groups.shape[0], np.int64), None)
        out_of_region = network.solve()
        in_region = network.max_flow - out_of_region
        out_limit = out_of_region
    unit_cost = np.floor(inst.cost[groups, shelters] * COST_SCALE).astype(np.int64)
    network = _Network(inst, groups, shelters, unit_cost, out_limit)
    floored_cost = network.solve()
    flow = network.pair_flows()
    used = flow > 0
    return Relaxation(
        max_persons=network.max_flow,
        persons_in_preferred_region=in_region,
        person_cost=floored_cost / COST_SCALE,
        flow_cost=float(np.sum(flow[used] * inst.cost[groups[used], shelters[used]])),
        flow_group=groups[used].astype(np.int64),
        flow_shelter=shelters[used].astype(np.int64),
        flow_persons=flow[used],
        arcs=network.arcs,
    )


class _Network:
    """Nodes: source, groups, shelters, quota regions, [in, out], sink.

    With out_limit None and a preferred region, the only cost is 1 per person sent out of the
    region, so the optimum measures how many must leave it.
    """

    def __init__(
        self,
        inst: Instance,
        groups: IntArray,
        shelters: IntArray,
        unit_cost: IntArray,
        out_limit: int | None,
    ) -> None:
        g, s, q = inst.n_groups, inst.n_shelters, int(inst.quota_limit.shape[0])
        source, group0, shelter0, quota0 = 0, 1, 1 + g, 1 + g + s
        inside, outside, sink = quota0 + q, quota0 + q + 1, quota0 + q + 2
        prefer = bool(inst.in_preferred.any())
        everyone = int(inst.group_persons.sum())
        tails: list[IntArray] = [np.zeros(g, np.int64), group0 + groups]
        heads: list[IntArray] = [group0 + np.arange(g), shelter0 + shelters]
        caps: list[IntArray] = [inst.group_persons, np.full(groups.shape[0], everyone)]
        costs: list[IntArray] = [np.zeros(g, np.int64), unit_cost]
        # shelter -> its quota region, or straight on towards the sink
        onward = np.where(inst.quota_of >= 0, quota0 + inst.quota_of, -1)
        direct = np.where(inst.in_preferred, inside, outside) if prefer else np.full(s, sink)
        tails.append(shelter0 + np.arange(s))
        heads.append(np.where(onward >= 0, onward, direct))
        caps.append(inst.capacity)
        costs.append(np.zeros(s, np.int64))
        if q:
            preferred_quota = np.zeros(q, dtype=np.bool_)
            preferred_quota[inst.quota_of[(inst.quota_of >= 0) & inst.in_preferred]] = True
            tails.append(quota0 + np.arange(q))
            heads.append(np.where(preferred_quota, inside, outside) if prefer else np.full(q, sink))
            caps.append(inst.quota_limit)
            costs.append(np.zeros(q, np.int64))
        if prefer:
            tails.append(np.array([inside, outside]))
            heads.append(np.array([sink, sink]))
            caps.append(np.array([everyone, everyone if out_limit is None else out_limit]))
            costs.append(np.array([0, 1 if out_limit is None else 0]))
        self.flow = min_cost_flow.SimpleMinCostFlow()
        arcs = self.flow.add_arcs_with_capacity_and_unit_cost(
            np.concatenate(tails),
            np.concatenate(heads),
            np.concatenate(caps),
            np.concatenate(costs),
        )
        self.pair_arcs = arcs[g : g + groups.shape[0]]
        self.arcs = int(arcs.shape[0])
        self.flow.set_nodes_supplies(np.array([source, sink]), np.array([everyone, -everyone]))
        self.max_flow = 0

    def solve(self) -> int:
        status = self.flow.solve_max_flow_with_min_cost()
        if status != self.flow.OPTIMAL:
            raise RelaxationError(f"min-cost flow ended with status {status}")
        self.max_flow = int(self.flow.maximum_flow())
        return int(self.flow.optimal_cost())

    def pair_flows(self) -> IntArray:
        return np.asarray(self.flow.flows(self.pair_arcs), dtype=np.int64)
