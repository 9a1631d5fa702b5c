"""The relaxation at national scale: a sparse network, priced until it is the dense optimum.

With every household geocoded at its own address there are as many origins as households, and
the dense network (every origin x every shelter it may use) of 250,000 households and 5,000
shelters took 83 s and 3.2 GB. Most of those arcs carry nothing: a family from Sudzha does not
sleep in Ryazan while Kursk has room. So the network starts with each origin's K cheapest
feasible shelters and grows by pricing:

1. Solve the sparse network (max flow, then min cost) with OR-Tools.
2. Node potentials pi (LP duals) from the optimal flow: shortest distances in its residual
   graph, which has no negative cycle because the flow is optimal. The max-flow-first order is
   one objective, cost - M * flow, with M above the cost of any simple path: the return arc
   sink -> source costs -M. Every residual arc then has reduced cost c + pi(u) - pi(v) >= 0.
3. An arc left out, origin g -> shelter j, prices out when c(g, j) + pi(g) - pi(j) < 0. Per
   need (the shelters a group may use) P = max pi(j); shelters are searched nearest first
   (a k-d tree on unit vectors: chord order is great-circle order), and an origin is done once
   its next shelter already costs at least P - pi(g): no farther one can price out.
4. Add every arc that prices out and solve again; stop when none does.

Why the bound is true: at the end pi is a feasible dual of the *dense* network (every arc of
it, in the network or not, has reduced cost >= 0) and satisfies complementary slackness with
the sparse flow (reduced cost 0 on every arc carrying flow below capacity, <= 0 on saturated
ones: the flow is optimal for the sparse network). The sparse flow is also feasible for the
dense network. A feasible primal and a feasible dual with complementary slackness are both
optimal: the sparse optimum (most persons, then least cost) is the dense optimum, exactly, on
the same integer costs. tests/core/test_placement_sparse.py checks it against the dense
network on random instances.

Origins are grouped only when identical (same coordinates, same needs); no cell merging, so
the bound is the bound of the households as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.spatial import cKDTree

from refuge.core.placement.bounds import COST_SCALE, RelaxationError
from refuge.core.placement.distance import EARTH_RADIUS_KM, FloatArray
from refuge.core.placement.instance import IntArray, need_mask
from refuge.core.placement.model import Household, Options, Shelter

#: shelters per origin in the first network; pricing adds what the optimum needs beyond them
FIRST_SHELTERS = 6
#: most cells in the coarse plan that seeds the network (dense: cells x shelters arcs)
COARSE_CELLS = 400
#: side of the cells in which origins are priced together (about 2 km)
PRICING_CELL_DEG = 0.02
#: arcs added per origin and pricing round, the most negative first
PRICED_PER_ORIGIN = 3


@dataclass(frozen=True)
class SparseInstance:
    """Households grouped by identical origin and needs; no cost matrix, costs on demand."""

    households: Sequence[Household]
    shelters: Sequence[Shelter]
    options: Options
    size: IntArray  # per household
    group_of: IntArray  # per household -> group
    group_persons: IntArray
    group_lat: FloatArray
    group_lon: FloatArray
    group_mask: IntArray
    shelter_lat: FloatArray
    shelter_lon: FloatArray
    shelter_mask: IntArray
    capacity: IntArray
    quota_of: IntArray  # per shelter -> quota index, -1 without quota
    quota_limit: IntArray

    @property
    def n_groups(self) -> int:
        return int(self.group_persons.shape[0])

    @property
    def n_shelters(self) -> int:
        return int(self.capacity.shape[0])

    def cost_km(self, groups: IntArray, shelters: IntArray) -> FloatArray:
        """Great-circle km, pair by pair; inf where the shelter lacks a needed feature."""
        km = _haversine(
            self.group_lat[groups],
            self.group_lon[groups],
            self.shelter_lat[shelters],
            self.shelter_lon[shelters],
        )
        lacking = (self.group_mask[groups] & ~self.shelter_mask[shelters]) != 0
        return np.where(lacking, np.inf, km)

    def eligible(self, mask: int) -> IntArray:
        """Shelters with room that have every feature of `mask`."""
        return np.flatnonzero(((mask & ~self.shelter_mask) == 0) & (self.capacity > 0))


def build_sparse_instance(
    households: Sequence[Household], shelters: Sequence[Shelter], options: Options
) -> SparseInstance:
    size = np.fromiter((h.size for h in households), np.int64, len(households))
    lat = np.fromiter((h.origin_lat for h in households), np.float64, len(households))
    lon = np.fromiter((h.origin_lon for h in households), np.float64, len(households))
    mask = np.fromiter((need_mask(h.needs) for h in households), np.int64, len(households))
    keys = np.stack([lat, lon, mask.astype(np.float64)], axis=1)
    unique, first, group_of = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    group_of = group_of.reshape(-1).astype(np.int64)
    quota_regions = sorted(options.quotas)
    quota_index = {region: i for i, region in enumerate(quota_regions)}
    return SparseInstance(
        households=households,
        shelters=shelters,
        options=options,
        size=size,
        group_of=group_of,
        group_persons=np.bincount(group_of, weights=size, minlength=unique.shape[0]).astype(
            np.int64
        ),
        group_lat=lat[first],
        group_lon=lon[first],
        group_mask=mask[first],
        shelter_lat=np.array([s.lat for s in shelters], dtype=np.float64),
        shelter_lon=np.array([s.lon for s in shelters], dtype=np.float64),
        shelter_mask=np.array([need_mask(s.features) for s in shelters], dtype=np.int64),
        capacity=np.array([s.capacity for s in shelters], dtype=np.int64),
        quota_of=np.array([quota_index.get(s.region, -1) for s in shelters], dtype=np.int64),
        quota_limit=np.array([options.quotas[r] for r in quota_regions], dtype=np.int64),
    )


@dataclass(frozen=True)
class SparseRelaxation:
    max_persons: int
    #: least person-km of any split plan placing max_persons, on costs floored to metres: a
    #: lower bound for whole households, equal to the dense network's optimum
    person_cost: float
    #: exact person-km of the flows below
    flow_cost: float
    flow_group: IntArray
    flow_shelter: IntArray
    flow_persons: IntArray
    #: every origin -> shelter arc of the final network (the local search's candidates)
    arc_group: IntArray
    arc_shelter: IntArray
    #: duals at the optimum, in cost units (metres): reduced cost c + pi_g - pi_j >= 0
    group_potential: FloatArray
    shelter_potential: FloatArray
    quota_potential: FloatArray
    source_potential: float
    sink_potential: float
    arcs: int
    pricing_rounds: int
    priced_arcs: int


def solve_sparse_relaxation(
    inst: SparseInstance, first_shelters: int = FIRST_SHELTERS, coarse_cells: int = COARSE_CELLS
) -> SparseRelaxation:
    network = _SparseNetwork(inst)
    arc_g, arc_j = _nearest_arcs(inst, first_shelters)
    network.add_pair_arcs(arc_g, arc_j)
    network.add_pair_arcs(*_coarse_arcs(inst, coarse_cells))
    cells = _pricing_cells(inst)
    rounds, priced = 0, 0
    while True:
        rounds += 1
        network.solve()
        potential = network.potentials()
        new_g, new_j = _arcs_that_price_out(inst, cells, network, potential)
        # an arc already in the network cannot price out (its reduced cost is >= 0)
        added = network.add_pair_arcs(new_g, new_j)
        if added == 0:
            break
        priced += added
    return network.relaxation(potential, rounds, priced)


class _SparseNetwork:
    """Nodes: source, groups, shelters, quota regions, sink. Arcs kept in numpy so the
    residual graph can be built for the duals; OR-Tools is rebuilt for each solve."""

    def __init__(self, inst: SparseInstance) -> None:
        self.inst = inst
        g, s, q = inst.n_groups, inst.n_shelters, int(inst.quota_limit.shape[0])
        self.source, self.group0, self.shelter0, self.quota0 = 0, 1, 1 + g, 1 + g + s
        self.sink = self.quota0 + q
        self.nodes = self.sink + 1
        self.everyone = int(inst.group_persons.sum())
        onward = np.where(inst.quota_of >= 0, self.quota0 + inst.quota_of, self.sink)
        self.fixed_tail = np.concatenate(
            [np.zeros(g, np.int64), self.shelter0 + np.arange(s), self.quota0 + np.arange(q)]
        )
        self.fixed_head = np.concatenate(
            [self.group0 + np.arange(g), onward, np.full(q, self.sink)]
        )
        self.fixed_cap = np.concatenate([inst.group_persons, inst.capacity, inst.quota_limit])
        self.pair_g = np.zeros(0, np.int64)
        self.pair_j = np.zeros(0, np.int64)
        self.pair_cost = np.zeros(0, np.int64)
        self.known = np.zeros(0, np.int64)  # sorted group * n_shelters + shelter
        self.flows = np.zeros(0, np.int64)
        self.max_flow = 0
        self.cost = 0

    def add_pair_arcs(self, groups: IntArray, shelters: IntArray) -> int:
        """Adds the arcs not yet in the network; returns how many that was."""
        key = np.unique(groups * self.inst.n_shelters + shelters)
        key = key[~np.isin(key, self.known, assume_unique=True)]
        self.known = np.union1d(self.known, key)
        groups, shelters = key // self.inst.n_shelters, key % self.inst.n_shelters
        unit = np.floor(self.inst.cost_km(groups, shelters) * COST_SCALE).astype(np.int64)
        self.pair_g = np.concatenate([self.pair_g, groups])
        self.pair_j = np.concatenate([self.pair_j, shelters])
        self.pair_cost = np.concatenate([self.pair_cost, unit])
        return int(key.shape[0])

    def _arcs(self) -> tuple[IntArray, IntArray, IntArray, IntArray]:
        n_fixed = self.fixed_tail.shape[0]
        return (
            np.concatenate([self.fixed_tail, self.group0 + self.pair_g]),
            np.concatenate([self.fixed_head, self.shelter0 + self.pair_j]),
            np.concatenate([self.fixed_cap, np.full(self.pair_g.shape[0], self.everyone)]),
            np.concatenate([np.zeros(n_fixed, np.int64), self.pair_cost]),
        )

    def solve(self, max_flow: int | None = None) -> None:
        """Most persons, then least cost. With max_flow (known, and feasible in this network:
        a plan carrying that many is in it) the flow of exactly that many persons at least
        cost, without OR-Tools' max-flow phase (a third of the time)."""
        tail, head, cap, cost = self._arcs()
        flow = min_cost_flow.SimpleMinCostFlow()
        arcs = flow.add_arcs_with_capacity_and_unit_cost(tail, head, cap, cost)
        supply = self.everyone if max_flow is None else max_flow
        flow.set_nodes_supplies(np.array([self.source, self.sink]), np.array([supply, -supply]))
        status = flow.solve_max_flow_with_min_cost() if max_flow is None else flow.solve()
        if status != flow.OPTIMAL:
            raise RelaxationError(f"min-cost flow ended with status {status}")
        self.max_flow = int(flow.maximum_flow()) if max_flow is None else max_flow
        self.cost = int(flow.optimal_cost())
        self.flows = np.asarray(flow.flows(arcs), dtype=np.int64)

    def potentials(self, towards_sink: bool = True) -> FloatArray:
        """pi(v) = -(shortest distance from v to a virtual node every node reaches at cost 0)
        in the residual graph, with the return arc sink -> source of cost -M that makes "max
        flow first" part of the cost. Any shortest-path potentials are optimal duals; these,
        measured *towards* the sink, give a shelter that the optimum leaves empty the sink's
        price rather than zero, so far shelters do not look cheap and pricing adds few arcs
        (potentials measured from the source priced in 86 % of the dense arcs).

        towards_sink=False gives the other extreme, pi(v) = shortest distance from a virtual
        node reaching every node at cost 0: full shelters at their highest price."""
        tail, head, cap, cost = self._arcs()
        flow = self.flows
        big_m = float(self.nodes) * float(max(int(cost.max(initial=0)), 0) + 1) + 1.0
        forward, backward = flow < cap, flow > 0
        root = self.nodes
        # edges of the residual graph
        tails: list[IntArray] = [tail[forward], head[backward]]
        heads: list[IntArray] = [head[forward], tail[backward]]
        weights: list[FloatArray] = [
            cost[forward].astype(np.float64),
            -cost[backward].astype(np.float64),
        ]
        if self.max_flow < self.everyone:  # residual sink -> source at -M
            tails.append(np.array([self.sink]))
            heads.append(np.array([self.source]))
            weights.append(np.array([-big_m]))
        if self.max_flow > 0:  # residual source -> sink at +M
            tails.append(np.array([self.source]))
            heads.append(np.array([self.sink]))
            weights.append(np.array([big_m]))
        if towards_sink:  # reversed: distances *from* root there are distances *to* it here
            tails, heads = heads, tails
        # root reaches every node at cost 0
        tails.append(np.full(self.nodes, root))
        heads.append(np.arange(self.nodes))
        weights.append(np.zeros(self.nodes))
        distance = _shortest_distances(
            np.concatenate(tails),
            np.concatenate(heads),
            np.concatenate(weights).astype(np.float64),
            self.nodes + 1,
            root,
        )[: self.nodes]
        return -distance if towards_sink else distance

    def relaxation(self, potential: FloatArray, rounds: int, priced: int) -> SparseRelaxation:
        inst = self.inst
        pair_flow = self.flows[self.fixed_tail.shape[0] :]
        used = pair_flow > 0
        g, j = self.pair_g[used], self.pair_j[used]
        return SparseRelaxation(
            max_persons=self.max_flow,
            person_cost=self.cost / COST_SCALE,
            flow_cost=float(np.sum(pair_flow[used] * inst.cost_km(g, j))),
            flow_group=g,
            flow_shelter=j,
            flow_persons=pair_flow[used],
            arc_group=self.pair_g,
            arc_shelter=self.pair_j,
            group_potential=potential[self.group0 : self.shelter0],
            shelter_potential=potential[self.shelter0 : self.quota0],
            quota_potential=potential[self.quota0 : self.sink],
            source_potential=float(potential[self.source]),
            sink_potential=float(potential[self.sink]),
            arcs=int(self.fixed_tail.shape[0] + self.pair_g.shape[0]),
            pricing_rounds=rounds,
            priced_arcs=priced,
        )


def _coarse_arcs(inst: SparseInstance, most_cells: int) -> tuple[IntArray, IntArray]:
    """Arcs of a plan solved on coarse cells, handed down to the origins of each cell.

    The nearest shelters alone cannot place everyone when most must travel far (in the
    Kursk scenario 60 % of the places are outside the oblast): the first duals would then be
    about the missing persons (the -M arc), and pricing would add arcs by the hundred
    thousand. A dense network over a few hundred cells (origins merged, each at its
    persons-weighted mean) says which far shelters each area's people need; its flows,
    split among the cell's own origins in order, are a full plan in the fine network, so the
    first duals are already about distance."""
    if inst.n_groups <= most_cells:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    cell_of = coarse_cells_of(inst, most_cells)
    coarse = cell_instance(inst, cell_of)
    network = _SparseNetwork(coarse)
    network.add_pair_arcs(*every_arc(coarse))
    network.solve()
    pair_flow = network.flows[network.fixed_tail.shape[0] :]
    used = pair_flow > 0
    return _split_cell_flows(
        inst, cell_of, network.pair_g[used], network.pair_j[used], pair_flow[used]
    )


def cell_instance(inst: SparseInstance, cell_of: IntArray) -> SparseInstance:
    """Origin groups merged into cells (one need each), each at its persons-weighted mean."""
    n_cells = int(cell_of.max()) + 1
    persons = np.bincount(cell_of, weights=inst.group_persons, minlength=n_cells)
    weight = np.maximum(persons, 1e-300)
    mask = np.zeros(n_cells, np.int64)
    mask[cell_of] = inst.group_mask
    return SparseInstance(
        households=(),
        shelters=inst.shelters,
        options=inst.options,
        size=np.zeros(0, np.int64),
        group_of=np.zeros(0, np.int64),
        group_persons=persons.astype(np.int64),
        group_lat=np.bincount(cell_of, inst.group_persons * inst.group_lat, n_cells) / weight,
        group_lon=np.bincount(cell_of, inst.group_persons * inst.group_lon, n_cells) / weight,
        group_mask=mask,
        shelter_lat=inst.shelter_lat,
        shelter_lon=inst.shelter_lon,
        shelter_mask=inst.shelter_mask,
        capacity=inst.capacity,
        quota_of=inst.quota_of,
        quota_limit=inst.quota_limit,
    )


def every_arc(inst: SparseInstance) -> tuple[IntArray, IntArray]:
    """The dense network's origin -> shelter arcs: every shelter with room a group may use."""
    groups: list[IntArray] = [np.zeros(0, np.int64)]
    shelters: list[IntArray] = [np.zeros(0, np.int64)]
    for mask in np.unique(inst.group_mask).tolist():
        members, allowed = np.flatnonzero(inst.group_mask == mask), inst.eligible(int(mask))
        groups.append(np.repeat(members, allowed.shape[0]))
        shelters.append(np.tile(allowed, members.shape[0]))
    return np.concatenate(groups), np.concatenate(shelters)


def solve_dense_relaxation(inst: SparseInstance) -> SparseRelaxation:
    """The same network with every arc, solved once: the yardstick the tests hold pricing to."""
    network = _SparseNetwork(inst)
    network.add_pair_arcs(*every_arc(inst))
    network.solve()
    return network.relaxation(network.potentials(), 1, 0)


def coarse_cells_of(inst: SparseInstance, most_cells: int) -> IntArray:
    """Cell (and need) of each origin group, cells doubling in size until few enough."""
    cell_deg = 0.01
    while True:
        # one integer per (row, column, need): a 1-d unique, far faster than rows of floats
        row = np.floor(inst.group_lat / cell_deg).astype(np.int64) + 20_000
        column = np.floor(inst.group_lon / cell_deg).astype(np.int64) + 40_000
        keys = (row * 80_001 + column) * 8 + inst.group_mask
        _, inverse = np.unique(keys, return_inverse=True)
        cell_of: IntArray = inverse.reshape(-1).astype(np.int64)
        if int(cell_of.max()) < most_cells or cell_deg > 360:  # one cell per need left
            return cell_of
        cell_deg *= 2


def _split_cell_flows(
    inst: SparseInstance, cell_of: IntArray, cells: IntArray, shelters: IntArray, flows: IntArray
) -> tuple[IntArray, IntArray]:
    """Each cell's flows laid end to end against its groups' persons laid end to end: every
    (group, shelter) whose stretches overlap is an arc."""
    by_cell = np.argsort(cell_of, kind="stable")
    group_end = np.cumsum(inst.group_persons[by_cell])
    group_start = group_end - inst.group_persons[by_cell]
    # flows of a cell start where its first group starts
    cell_start = np.zeros(int(cell_of.max()) + 1, np.int64)
    np.minimum.at(cell_start, cell_of[by_cell], 0)
    first = np.searchsorted(cell_of[by_cell], np.arange(cell_start.shape[0]))
    cell_start = group_start[np.minimum(first, by_cell.shape[0] - 1)]
    order = np.argsort(cells, kind="stable")
    cells, shelters, flows = cells[order], shelters[order], flows[order]
    flow_end = np.cumsum(flows)
    flow_end_in_cell = (
        flow_end
        - (
            np.cumsum(np.bincount(cells, flows, cell_start.shape[0]))
            - np.bincount(cells, flows, cell_start.shape[0])
        )[cells]
    )
    flow_end = cell_start[cells] + flow_end_in_cell
    flow_begin = flow_end - flows
    # the groups whose stretches overlap [flow_begin, flow_end)
    lo = np.searchsorted(group_end, flow_begin, side="right")
    hi = np.searchsorted(group_start, flow_end, side="left")
    count = np.maximum(hi - lo, 0)
    arc = np.repeat(np.arange(flows.shape[0]), count)
    offset = np.arange(arc.shape[0]) - np.repeat(np.cumsum(count) - count, count)
    groups = by_cell[lo[arc] + offset]
    return groups.astype(np.int64), shelters[arc].astype(np.int64)


def _shortest_distances(
    tails: IntArray, heads: IntArray, weights: FloatArray, nodes: int, root: int
) -> FloatArray:
    """Bellman-Ford, one numpy pass over all edges per round, until nothing changes. Exact on
    integer weights below 2**53; raises if a cycle is negative (the flow was not optimal)."""
    distance = np.full(nodes, np.inf)
    distance[root] = 0.0
    # edges sorted by head once: each round is a gather, an add and one reduceat
    order = np.argsort(heads, kind="stable")
    tails, weights = tails[order], weights[order]
    into, start = np.unique(heads[order], return_index=True)
    for _ in range(nodes):
        better = np.minimum.reduceat(distance[tails] + weights, start)
        improved = better < distance[into]
        if not improved.any():
            return distance
        distance[into[improved]] = better[improved]
    raise RelaxationError("negative cycle in the residual network: the flow is not optimal")


def _unit_vectors(lat: FloatArray, lon: FloatArray) -> FloatArray:
    p, lam = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(p) * np.cos(lam), np.cos(p) * np.sin(lam), np.sin(p)], axis=1)


def _by_need(inst: SparseInstance) -> list[tuple[IntArray, IntArray, cKDTree]]:
    """(groups with this need mask, shelters they may use, k-d tree of those shelters)."""
    out = []
    shelter_xyz = _unit_vectors(inst.shelter_lat, inst.shelter_lon)
    for mask in np.unique(inst.group_mask).tolist():
        shelters = inst.eligible(int(mask))
        groups = np.flatnonzero(inst.group_mask == mask)
        if shelters.shape[0] and groups.shape[0]:
            out.append((groups, shelters, cKDTree(shelter_xyz[shelters])))
    return out


def _nearest_arcs(inst: SparseInstance, k: int) -> tuple[IntArray, IntArray]:
    group_xyz = _unit_vectors(inst.group_lat, inst.group_lon)
    arc_g: list[IntArray] = []
    arc_j: list[IntArray] = []
    for groups, shelters, tree in _by_need(inst):
        take = min(k, shelters.shape[0])
        _, nearest = tree.query(group_xyz[groups], k=take)
        nearest = np.asarray(nearest).reshape(groups.shape[0], take)
        arc_g.append(np.repeat(groups, take))
        arc_j.append(shelters[nearest.reshape(-1)])
    if not arc_g:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(arc_g), np.concatenate(arc_j)


@dataclass(frozen=True)
class _PricingCells:
    """Origins in small cells (one need each), so that a whole cell is cleared against a
    shelter at once: no origin of the cell is nearer the shelter than the centre's distance
    less the cell's radius (triangle inequality on the sphere)."""

    members: IntArray  # groups, ordered by cell
    start: IntArray  # per cell, into members; start[-1] == len(members)
    lat: FloatArray
    lon: FloatArray
    radius_km: FloatArray
    mask: IntArray


def _pricing_cells(inst: SparseInstance, cell_deg: float = PRICING_CELL_DEG) -> _PricingCells:
    keys = np.stack(
        [
            np.floor(inst.group_lat / cell_deg),
            np.floor(inst.group_lon / cell_deg),
            inst.group_mask.astype(np.float64),
        ],
        axis=1,
    )
    _, cell_of = np.unique(keys, axis=0, return_inverse=True)
    cell_of = cell_of.reshape(-1).astype(np.int64)
    n = int(cell_of.max()) + 1
    count = np.bincount(cell_of, minlength=n)
    lat = np.bincount(cell_of, inst.group_lat, n) / count
    lon = np.bincount(cell_of, inst.group_lon, n) / count
    spread = _haversine(inst.group_lat, inst.group_lon, lat[cell_of], lon[cell_of])
    radius = np.zeros(n)
    np.maximum.at(radius, cell_of, spread)
    mask = np.zeros(n, np.int64)
    mask[cell_of] = inst.group_mask
    return _PricingCells(
        members=np.argsort(cell_of, kind="stable"),
        start=np.concatenate([[0], np.cumsum(count)]).astype(np.int64),
        lat=lat,
        lon=lon,
        radius_km=radius * (1 + 1e-9) + 1e-9,
        mask=mask,
    )


def _arcs_that_price_out(
    inst: SparseInstance, cells: _PricingCells, network: _SparseNetwork, potential: FloatArray
) -> tuple[IntArray, IntArray]:
    """Every origin -> shelter arc with negative reduced cost c + pi_g - pi_j.

    A (cell, shelter) pair is cleared when even the cell's nearest possible origin with the
    cell's lowest potential cannot price out; only the pairs left are checked origin by
    origin. Integer costs are floors of metres, so the test allows 2 m for the floor and for
    floating-point error."""
    pi_group = potential[network.group0 : network.shelter0]
    pi_shelter = potential[network.shelter0 : network.quota0]
    n_cells = cells.lat.shape[0]
    cell_of = np.empty(inst.n_groups, np.int64)
    cell_of[cells.members] = np.repeat(np.arange(n_cells), np.diff(cells.start))
    lowest = np.full(n_cells, np.inf)
    np.minimum.at(lowest, cell_of, pi_group)
    found_g: list[IntArray] = [np.zeros(0, np.int64)]
    found_j: list[IntArray] = [np.zeros(0, np.int64)]
    found_r: list[FloatArray] = [np.zeros(0)]
    for mask in np.unique(cells.mask).tolist():
        shelters = inst.eligible(int(mask))
        of_mask = np.flatnonzero(cells.mask == mask)
        for chunk in np.array_split(
            of_mask, max(1, of_mask.shape[0] * shelters.shape[0] // 4_000_000)
        ):
            km = _haversine(
                cells.lat[chunk][:, None],
                cells.lon[chunk][:, None],
                inst.shelter_lat[shelters][None, :],
                inst.shelter_lon[shelters][None, :],
            )
            bound = (km - cells.radius_km[chunk][:, None]) * COST_SCALE - 2.0
            bound += lowest[chunk][:, None] - pi_shelter[shelters][None, :]
            pair_cell, pair_shelter = np.nonzero(bound < 0)
            cell, shelter = chunk[pair_cell], shelters[pair_shelter]
            size = cells.start[cell + 1] - cells.start[cell]
            pick = np.repeat(cells.start[cell], size) + (
                np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size)
            )
            groups, targets = cells.members[pick], np.repeat(shelter, size)
            unit = np.floor(inst.cost_km(groups, targets) * COST_SCALE)
            reduced = unit + pi_group[groups] - pi_shelter[targets]
            negative = reduced < 0
            found_g.append(groups[negative])
            found_j.append(targets[negative])
            found_r.append(reduced[negative])
    return _most_negative_per_group(
        np.concatenate(found_g), np.concatenate(found_j), np.concatenate(found_r)
    )


def _most_negative_per_group(
    groups: IntArray, shelters: IntArray, reduced: FloatArray, keep: int = PRICED_PER_ORIGIN
) -> tuple[IntArray, IntArray]:
    """Partial pricing: an origin's few most negative arcs. Adding every arc that prices out
    brings in arcs that the next duals no longer want (4 times the arcs, same rounds)."""
    order = np.lexsort((reduced, groups))
    groups, shelters = groups[order], shelters[order]
    first = np.searchsorted(groups, groups)  # index of the group's first arc
    rank = np.arange(groups.shape[0]) - first
    chosen = rank < keep
    return groups[chosen].astype(np.int64), shelters[chosen].astype(np.int64)


def _haversine(
    lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray
) -> FloatArray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(lon2) - np.radians(lon1)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    out: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return out
