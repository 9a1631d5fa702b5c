"""Placement with every household at its own address: no origins x shelters matrix anywhere.

With 250,000 households geocoded one by one and 5,000 shelters the dense model has a billion
pairs. Instead:

1. **Cell relaxations.** Households merged into cells (one need each, at the persons-weighted
   mean). A few hundred cells with every (cell, shelter) arc give the most persons (exact:
   whether a person can be placed depends only on the needs) and first prices; then about
   one cell per 80 households on a sparse network (that plan handed down, each cell's best
   shelters at the first prices), priced until no arc prices out: its central duals are the
   shelters' prices.
2. **Households price themselves.** With shelter prices z, each household's best shelters are
   those with the least distance + z. The CANDIDATES best are found by pruning on two levels
   of cells (triangle inequality), never a full row.
3. **A true lower bound** from the same prices (weak duality of the min-cost flow; see
   lower_bound): it holds for *any* prices, so it needs no claim about the cells; it equals
   the relaxation when the prices are its optimal duals.
4. **The households' own flow** on their best priced shelter and the cells' plan handed down
   (households with one arc settled beforehand), then **rounding**: larger households from
   the flow, one-person households by an integral flow on the room left (round_flow), the
   few left to the nearest room, and a short local search along the candidate lists.
   Small instances are then polished by the MIP of mip.py, as in solver.place.

Memory is linear in households x CANDIDATES. docs/PLACEMENT.md, docs/PERFORMANCE.md.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from refuge.core.placement.bounds import COST_SCALE, Relaxation
from refuge.core.placement.distance import EARTH_RADIUS_KM, FloatArray
from refuge.core.placement.instance import IntArray, build_instance, person_km
from refuge.core.placement.model import Household, Options, Placement, PlacementStats, Shelter
from refuge.core.placement.sparse import (
    SparseInstance,
    SparseRelaxation,
    _haversine,
    _SparseNetwork,
    _split_cell_flows,
    build_sparse_instance,
    cell_instance,
    coarse_cells_of,
    every_arc,
)

#: most cells in the coarse relaxation whose duals price the households
COARSE_CELLS = 1_500
#: the coarse relaxation has every (cell, shelter) arc: cells = ARCS_PER_SOLVE / shelters
ARCS_PER_SOLVE = 1_500_000
#: the refined cell relaxation: at most this many (cell, shelter) pairs priced per round,
#: at least this many households a cell, these best shelters per cell at the first prices,
#: these most negative arcs added per cell and round, at most this many solves
REFINED_CELL_PAIRS = 250_000_000
REFINED_HOUSEHOLDS = 80
WINDOW_SHELTERS = 20
PRICED_PER_CELL = 16
REFINE_ROUNDS = 5
#: priced shelters kept per household: the local search moves and swaps only along these
CANDIDATES = 16
#: of which the fine relaxation's arcs (with the coarse plan's, handed down to households)
FLOW_CANDIDATES = 1
#: priced shelters of each one-person household in the flow that places them
SINGLE_CANDIDATES = 6
#: pruning cells for the candidate search: a level of big cells, then small cells within
BIG_CELL_DEG = 0.16
SMALL_CELL_DEG = 0.005
#: MIP polish when households x shelters is at most this
MIP_PAIRS = 20_000


@dataclass(frozen=True)
class NationalBound:
    """What no plan can beat: max_persons (exact) and person_km, a lower bound on the
    person-km of any plan placing max_persons (true whatever the prices, by weak duality)."""

    max_persons: int
    person_km: float
    coarse_cells: int
    coarse_arcs: int
    pricing_rounds: int


@dataclass(frozen=True)
class Priced:
    """Each origin group's CANDIDATES best shelters by distance + price, best first."""

    shelter: IntArray  # groups x k, -1 where fewer eligible shelters
    km: FloatArray  # groups x k, great-circle km, inf where -1
    best: FloatArray  # per group: least km + price over every eligible shelter (inf: none)
    second: FloatArray  # per group: second least (inf: none)
    #: per group: the k-th least (inf when it has at most k shelters): every shelter not in
    #: its list costs at least this, at these prices or any higher ones
    kth: FloatArray


def place_national(
    households: Sequence[Household],
    shelters: Sequence[Shelter],
    options: Options | None = None,
    coarse_cells: int = COARSE_CELLS,
    candidates: int = CANDIDATES,
) -> tuple[Placement, NationalBound]:
    """Most persons placed, then least person-km, for households at their own addresses.
    No travel matrix, no preferred region (solver.place keeps those on the dense path)."""
    options = options or Options()
    if options.travel_cost is not None or options.prefer_region is not None:
        raise ValueError("place_national takes neither a travel matrix nor a preferred region")
    inst = build_sparse_instance(households, shelters, options)
    plan = np.full(len(households), -1, np.int64)
    if not households or not shelters:
        return _placement(inst, plan, "nothing to place"), NationalBound(0, 0.0, 0, 0, 0)
    relaxation, cells, split = _coarse_relaxation(inst, coarse_cells)
    prices = _prices_km(relaxation)
    priced = price_groups(inst, prices, candidates)
    bound = NationalBound(
        max_persons=relaxation.max_persons,
        person_km=lower_bound(inst, relaxation, prices, priced.best),
        coarse_cells=cells,
        coarse_arcs=relaxation.arcs,
        pricing_rounds=relaxation.pricing_rounds,
    )
    g, j, persons = fine_flow(inst, priced, FLOW_CANDIDATES, split, relaxation.max_persons)
    plan = round_flow(inst, priced, g, j, persons)
    place_leftovers_sparse(inst, plan)
    method = "sparse-flow-rounding"
    search = SparseSearch(inst, priced, plan)
    if search.run(time.monotonic() + options.time_limit_s):
        method += "+local-search"
    if len(households) * len(shelters) <= MIP_PAIRS:
        better = _polish_with_mip(households, shelters, options, plan, bound)
        if better is not None:
            plan, method = better, method + "+mip"
    return _placement(inst, plan, method), bound


def national_bound(
    households: Sequence[Household],
    shelters: Sequence[Shelter],
    options: Options | None = None,
    coarse_cells: int = COARSE_CELLS,
) -> NationalBound:
    """The bound of place_national alone (the preferred region ignored: a relaxation too)."""
    options = replace(options or Options(), prefer_region=None)
    inst = build_sparse_instance(households, shelters, options)
    if not households or not shelters:
        return NationalBound(0, 0.0, 0, 0, 0)
    relaxation, cells, _ = _coarse_relaxation(inst, coarse_cells)
    prices = _prices_km(relaxation)
    best = price_groups(inst, prices, 1).best
    return NationalBound(
        relaxation.max_persons,
        lower_bound(inst, relaxation, prices, best),
        cells,
        relaxation.arcs,
        relaxation.pricing_rounds,
    )


def _coarse_relaxation(
    inst: SparseInstance, most_cells: int
) -> tuple[SparseRelaxation, int, tuple[IntArray, IntArray]]:
    """The relaxation of households merged into cells, in two steps, with central duals.

    1. Few cells (ARCS_PER_SOLVE / shelters) with every (cell, shelter) arc, solved once:
       the most persons (exact: each cell holds one need) and a first plan and prices.
    2. Many cells (REFINED_CELL_PAIRS / shelters, at most one per REFINED_HOUSEHOLDS
       households) on a sparse network: the first plan handed down (a flow of every
       placeable person) and each cell's WINDOW_SHELTERS best at the first prices, then
       priced (every (cell, shelter) arc, PRICED_PER_CELL most negative per cell and
       round) until no arc prices out or REFINE_ROUNDS solves: its duals price the
       households far better (at 250,000 households the bound from the few cells' duals
       was 0.23 % below the plan the households' own flow could reach).
    Central duals: the mean of the lowest and the highest shortest-path potentials, both
    optimal, so that a full shelter is priced in the middle of its range and households near
    a boundary split evenly. Any prices give a true bound (lower_bound); good ones a tight
    one."""
    cells = max(16, min(most_cells, ARCS_PER_SOLVE // max(1, inst.n_shelters)))
    cell_of = np.arange(inst.n_groups) if inst.n_groups <= cells else coarse_cells_of(inst, cells)
    coarse = inst if inst.n_groups <= cells else cell_instance(inst, cell_of)
    network = _SparseNetwork(coarse)
    network.add_pair_arcs(*every_arc(coarse))
    network.solve()
    low = network.potentials(towards_sink=True)
    many = min(inst.n_groups // REFINED_HOUSEHOLDS, REFINED_CELL_PAIRS // max(1, inst.n_shelters))
    refine = coarse is not inst and many > 2 * coarse.n_groups
    # prices that only choose the refined cells' first shelters need not be central: the
    # second Bellman-Ford over the dense network is saved
    high = low if refine else network.potentials(towards_sink=False)
    relaxation = network.relaxation((low + high) / 2, 1, 0)
    split = _split_cell_flows(
        inst, cell_of, relaxation.flow_group, relaxation.flow_shelter, relaxation.flow_persons
    )
    if not refine:
        return relaxation, coarse.n_groups, split
    return _refined_relaxation(inst, many, split, _prices_km(relaxation), relaxation.max_persons)


def _refined_relaxation(
    inst: SparseInstance,
    cells: int,
    split: tuple[IntArray, IntArray],
    first: _Prices,
    max_persons: int,
) -> tuple[SparseRelaxation, int, tuple[IntArray, IntArray]]:
    cell_of = coarse_cells_of(inst, cells)
    fine = cell_instance(inst, cell_of)
    network = _SparseNetwork(fine)
    network.add_pair_arcs(cell_of[split[0]], split[1])
    near = price_groups(fine, first, WINDOW_SHELTERS).shelter
    take = near >= 0
    network.add_pair_arcs(np.nonzero(take)[0], near[take])
    rounds = priced = 0
    while True:
        rounds += 1
        network.solve(max_persons)  # the first plan handed down carries them all
        low = network.potentials(towards_sink=True)
        if rounds >= REFINE_ROUNDS:
            break
        added = network.add_pair_arcs(*_cell_arcs_pricing_out(fine, network, low))
        if added == 0:
            break
        priced += added
    high = network.potentials(towards_sink=False)
    relaxation = network.relaxation((low + high) / 2, rounds, priced)
    split = _split_cell_flows(
        inst, cell_of, relaxation.flow_group, relaxation.flow_shelter, relaxation.flow_persons
    )
    return relaxation, fine.n_groups, split


def _cell_arcs_pricing_out(
    fine: SparseInstance, network: _SparseNetwork, potential: FloatArray
) -> tuple[IntArray, IntArray]:
    """The PRICED_PER_CELL most negative (cell, shelter) arcs of each cell, reduced cost
    c + pi_cell - pi_shelter on the floored metres of the network. An arc's reduced cost is
    its km + price less the cell's own price, so a cell's most negative arcs are among its
    best shelters by km + price: price_groups finds those with its cell pruning, without
    the cells x shelters matrix (12,500 x 20,000 at a million households)."""
    pi_cell = potential[network.group0 : network.shelter0]
    pi_shelter = potential[network.shelter0 : network.quota0]
    prices = _Prices(shelter=-pi_shelter / COST_SCALE, quota=np.zeros(0), sink=0.0)
    best = price_groups(fine, prices, PRICED_PER_CELL).shelter
    cells = np.repeat(np.arange(fine.n_groups), best.shape[1])
    shelters = best.reshape(-1)
    cells, shelters = cells[shelters >= 0], shelters[shelters >= 0]
    unit = np.floor(fine.cost_km(cells, shelters) * COST_SCALE)
    negative = unit + pi_cell[cells] - pi_shelter[shelters] < -0.5
    return cells[negative], shelters[negative]


@dataclass(frozen=True)
class _Prices:
    """Node prices in km (z = -pi / COST_SCALE): reduced cost of an arc u -> v is
    c + z(v) - z(u)... written so that a group's price is min over shelters of c + z(j)."""

    shelter: FloatArray
    quota: FloatArray
    sink: float


def _prices_km(relaxation: SparseRelaxation) -> _Prices:
    return _Prices(
        shelter=-relaxation.shelter_potential / COST_SCALE,
        quota=-relaxation.quota_potential / COST_SCALE,
        sink=-relaxation.sink_potential / COST_SCALE,
    )


def lower_bound(
    inst: SparseInstance, relaxation: SparseRelaxation, prices: _Prices, group_best: FloatArray
) -> float:
    """Weak duality of the min-cost flow source -> group (persons) -> shelter (uncapacitated,
    c km) -> [quota region] (capacity) -> sink (quota), sending F = max_persons units.

    For node prices z with z(g) <= c(g, j) + z(j) on every group -> shelter arc (group_best
    is the largest such z(g)), every flow x of F units costs at least
        F z(s) - F z(t) + sum over capacitated arcs u -> v of cap * min(0, c + z(v) - z(u))
    (add z times each node's balance to the cost; each arc's term is then at least its
    capacity times its reduced cost when that is negative, and at least 0 otherwise).
    z(s) is free, so it is set where this is largest: the F-th person's group price."""
    f = relaxation.max_persons
    if f == 0:
        return 0.0
    z_t = prices.sink
    head = np.append(prices.quota, z_t)[inst.quota_of]  # quota_of -1: straight to the sink
    total = float(np.sum(inst.capacity * np.minimum(0.0, head - prices.shelter)))
    total += float(np.sum(inst.quota_limit * np.minimum(0.0, z_t - prices.quota)))
    finite = np.isfinite(group_best)
    z_g, persons = group_best[finite], inst.group_persons[finite].astype(np.float64)
    order = np.argsort(z_g, kind="stable")
    z_g, persons = z_g[order], persons[order]
    reach = np.cumsum(persons)
    k = int(np.searchsorted(reach, f))  # first group by which F persons are reached
    z_s = float(z_g[min(k, z_g.shape[0] - 1)])
    below = z_g < z_s
    total += f * (z_s - z_t) - float(np.sum(persons[below] * (z_s - z_g[below])))
    # slack: distances in price_groups are within 0.1 m of the haversine's, and a bound must
    # not be above the truth by a rounding error: a metre a person, as the floored costs
    return total - 1e-3 * f - 1e-9 * abs(total)


def price_groups(inst: SparseInstance, prices: _Prices, k: int) -> Priced:
    """The k shelters with least km + price for every group, among all eligible shelters,
    pruned by cells: a shelter is dropped for a whole cell when, even from the nearest point
    the cell may have (centre distance less its radius), it costs more than the k-th best
    from the farthest (centre distance plus radius)."""
    n = inst.n_groups
    shelter = np.full((n, k), -1, np.int64)
    km = np.full((n, k), np.inf)
    best = np.full(n, np.inf)
    second = np.full(n, np.inf)
    kth = np.full(n, np.inf)
    for mask in np.unique(inst.group_mask).tolist():
        eligible = inst.eligible(int(mask))
        groups = np.flatnonzero(inst.group_mask == mask)
        if eligible.shape[0] == 0:
            continue
        big = _Cells(inst, groups, BIG_CELL_DEG)
        kk = min(max(k, 2), eligible.shape[0])
        for chunk in np.array_split(
            np.arange(big.n), max(1, big.n * eligible.shape[0] // 4_000_000)
        ):
            keep = big.keep(chunk, inst, eligible, prices.shelter, kk)
            for row, b in enumerate(chunk.tolist()):
                members = big.members_of(b)
                near = eligible[keep[row]]
                _price_cell(
                    inst, prices.shelter, members, near, k, (shelter, km, best, second, kth)
                )
    return Priced(shelter, km, best, second, kth)


class _Cells:
    def __init__(self, inst: SparseInstance, groups: IntArray, deg: float) -> None:
        lat, lon = inst.group_lat[groups], inst.group_lon[groups]
        key = np.stack([np.floor(lat / deg), np.floor(lon / deg)], axis=1)
        _, of = np.unique(key, axis=0, return_inverse=True)
        of = of.reshape(-1).astype(np.int64)
        self.n = int(of.max()) + 1
        count = np.bincount(of, minlength=self.n)
        self.lat = np.bincount(of, lat, self.n) / count
        self.lon = np.bincount(of, lon, self.n) / count
        radius = np.zeros(self.n)
        np.maximum.at(radius, of, _haversine(lat, lon, self.lat[of], self.lon[of]))
        self.radius = radius * (1 + 1e-9) + 1e-6
        order = np.argsort(of, kind="stable")
        self.members = groups[order]
        self.start = np.concatenate([[0], np.cumsum(count)]).astype(np.int64)

    def members_of(self, cell: int) -> IntArray:
        return self.members[self.start[cell] : self.start[cell + 1]]

    def keep(
        self, cells: IntArray, inst: SparseInstance, shelters: IntArray, z: FloatArray, k: int
    ) -> np.ndarray:
        d = _haversine(
            self.lat[cells][:, None],
            self.lon[cells][:, None],
            inst.shelter_lat[shelters][None, :],
            inst.shelter_lon[shelters][None, :],
        )
        r = self.radius[cells][:, None]
        price = z[shelters][None, :]
        worst_kth = np.partition(d + r + price, k - 1, axis=1)[:, k - 1]
        keep: np.ndarray = d - r + price <= worst_kth[:, None] + 1e-9
        return keep


def _price_cell(
    inst: SparseInstance,
    z: FloatArray,
    members: IntArray,
    near: IntArray,
    k: int,
    out: tuple[IntArray, FloatArray, FloatArray, FloatArray, FloatArray],
) -> None:
    """Exact k best for the groups of one big cell among its surviving shelters, pruned
    again by small cells when the block is large."""
    if members.shape[0] * near.shape[0] > 20_000:
        lat, lon = inst.group_lat[members], inst.group_lon[members]
        code = np.floor(lat / SMALL_CELL_DEG).astype(np.int64) * 100_000 + np.floor(
            lon / SMALL_CELL_DEG
        ).astype(np.int64)
        _, of, count = np.unique(code, return_inverse=True, return_counts=True)
        of = of.reshape(-1)
        clat, clon = np.bincount(of, lat) / count, np.bincount(of, lon) / count
        r = np.zeros(count.shape[0])
        np.maximum.at(r, of, _haversine(lat, lon, clat[of], clon[of]))
        r = (r * (1 + 1e-9) + 1e-6)[:, None]
        # every small cell against every surviving shelter at once: centre distance (the
        # metre allowed covers the 0.1 m of the unit-vector distances)
        value = _km(_unit(clat, clon), _unit(inst.shelter_lat[near], inst.shelter_lon[near]))
        value += z[near][None, :]
        kk = min(max(k, 2), near.shape[0])
        worst = np.partition(value + r, kk - 1, axis=1)[:, kk - 1 : kk]
        keep = value - r <= worst + 1e-3
        order = members[np.argsort(of, kind="stable")]
        start = np.concatenate([[0], np.cumsum(count)]).tolist()
        for c in range(count.shape[0]):
            _price_block(inst, z, order[start[c] : start[c + 1]], near[keep[c]], k, out)
        return
    _price_block(inst, z, members, near, k, out)


def _price_block(
    inst: SparseInstance,
    z: FloatArray,
    groups: IntArray,
    near: IntArray,
    k: int,
    out: tuple[IntArray, FloatArray, FloatArray, FloatArray, FloatArray],
) -> None:
    shelter, km, best, second, kth = out
    d = _arc_km(inst, groups, near)
    value = d + z[near][None, :]
    take = min(k, near.shape[0])
    if near.shape[0] > take:
        part = np.argpartition(value, take - 1, axis=1)[:, :take]
    else:
        part = np.broadcast_to(np.arange(near.shape[0]), (groups.shape[0], near.shape[0]))
    rows = np.arange(groups.shape[0])[:, None]
    order = np.argsort(value[rows, part], axis=1, kind="stable")
    part = part[rows, order]
    shelter[groups, :take] = near[part]
    km[groups, :take] = d[rows, part]
    best[groups] = value[rows[:, 0], part[:, 0]]
    if near.shape[0] > take:  # the k-th is a true floor for the shelters left out
        kth[groups] = value[rows[:, 0], part[:, take - 1]]
    if near.shape[0] >= 2:
        two = np.partition(value, 1, axis=1) if near.shape[0] > 2 else np.sort(value, axis=1)
        second[groups] = two[:, 1]


def _arc_km(inst: SparseInstance, groups: IntArray, shelters: IntArray) -> FloatArray:
    """Great-circle km, groups x shelters, from unit vectors (one matrix product and an
    arccos: a third of the haversine's time). Within 0.1 m of it; lower_bound allows a metre
    a person for that."""
    return _km(
        _unit(inst.group_lat[groups], inst.group_lon[groups]),
        _unit(inst.shelter_lat[shelters], inst.shelter_lon[shelters]),
    )


def _km(g: FloatArray, j: FloatArray) -> FloatArray:
    """Great-circle km between unit vectors, rows x rows."""
    cos = g @ j.T
    np.minimum(cos, 1.0, out=cos)  # np.clip is several times slower on large arrays
    np.maximum(cos, -1.0, out=cos)
    out: FloatArray = np.arccos(cos, out=cos)
    out *= EARTH_RADIUS_KM
    return out


def _unit(lat: FloatArray, lon: FloatArray) -> FloatArray:
    p, q = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(p) * np.cos(q), np.cos(p) * np.sin(q), np.sin(p)], axis=1)


def fine_flow(
    inst: SparseInstance,
    priced: Priced,
    k: int,
    extra: tuple[IntArray, IntArray],
    max_persons: int,
) -> tuple[IntArray, IntArray, IntArray]:
    """The relaxation of the households themselves on their k best priced shelters plus the
    arcs in `extra` (a feasible flow of every placeable person): a min-cost flow, most
    persons first. Returns its (group, shelter, persons) flows.

    When every person can be placed, a group with a single arc must send its persons along
    it: those are settled before the solve (capacities and quotas reduced), and OR-Tools
    sees only the groups with a choice (with k = 1, the households whose best priced
    shelter is not where the cells' plan sends them)."""
    take = priced.shelter[:, :k]
    groups = np.repeat(np.arange(inst.n_groups), take.shape[1])
    shelters = take.reshape(-1)
    key = np.unique(
        np.concatenate([groups[shelters >= 0], extra[0]]) * inst.n_shelters
        + np.concatenate([shelters[shelters >= 0], extra[1]])
    )
    g, j = key // inst.n_shelters, key % inst.n_shelters
    everyone = int(inst.group_persons.sum())
    one = np.bincount(g, minlength=inst.n_groups)[g] == 1
    if max_persons < everyone or not one.any():
        network = _SparseNetwork(inst)
        network.add_pair_arcs(g, j)
        network.solve(max_persons)  # `extra` carries them all
        pair_flow = network.flows[network.fixed_tail.shape[0] :]
        used = pair_flow > 0
        return network.pair_g[used], network.pair_j[used], pair_flow[used]
    fixed_g, fixed_j = g[one], j[one]
    fixed_p = inst.group_persons[fixed_g]
    load = np.bincount(fixed_j, fixed_p, inst.n_shelters).astype(np.int64)
    quota = inst.quota_of[fixed_j]
    quota_load = np.bincount(quota[quota >= 0], fixed_p[quota >= 0], inst.quota_limit.shape[0])
    free = np.flatnonzero(np.bincount(g[~one], minlength=inst.n_groups) > 0)
    local = np.full(inst.n_groups, -1, np.int64)
    local[free] = np.arange(free.shape[0])
    sub = replace(
        inst,
        households=(),
        size=np.zeros(0, np.int64),
        group_of=np.zeros(0, np.int64),
        group_persons=inst.group_persons[free],
        group_lat=inst.group_lat[free],
        group_lon=inst.group_lon[free],
        group_mask=inst.group_mask[free],
        capacity=inst.capacity - load,
        quota_limit=inst.quota_limit - quota_load.astype(np.int64),
    )
    network = _SparseNetwork(sub)
    network.add_pair_arcs(local[g[~one]], j[~one])
    network.solve(max_persons - int(fixed_p.sum()))
    pair_flow = network.flows[network.fixed_tail.shape[0] :]
    used = pair_flow > 0
    return (
        np.concatenate([fixed_g, free[network.pair_g[used]]]),
        np.concatenate([fixed_j, network.pair_j[used]]),
        np.concatenate([fixed_p, pair_flow[used]]),
    )


def priced_flow(inst: SparseInstance, priced: Priced) -> tuple[IntArray, IntArray, IntArray]:
    """Every group's persons to its best priced shelter: the relaxation's plan when the
    prices are its optimal duals and no group is on a boundary."""
    g = np.flatnonzero(priced.shelter[:, 0] >= 0)
    return g, priced.shelter[g, 0], inst.group_persons[g]


def round_flow(
    inst: SparseInstance, priced: Priced, g: IntArray, j: IntArray, persons: IntArray
) -> IntArray:
    """Whole households from a split flow, in two steps.

    1. Households of two or more persons: each group's flow to a shelter is filled with its
       whole households, largest first; a household the flow split goes to the shelter
       holding most of its group's flow left, even if that shelter is then over capacity.
    2. Households of one person cannot be split, so for them a min-cost flow *is* a plan:
       they are placed by one, on the capacity the larger households left (over-full
       shelters push singles out to wherever the flow finds the cheapest room), along
       their priced candidates and the flow's own arcs.
    The singles are spread everywhere (28 % of households in the Kursk scenario), so they
    absorb what rounding the larger ones costs, as the relaxation's own paths would:
    at 250,000 households the leftovers of plain rounding cost 0.45 % more person-km.
    """
    plan = np.full(len(inst.households), -1, np.int64)
    size = inst.size.tolist()
    km = inst.cost_km(g, j)
    left = persons.copy()
    members: dict[int, list[int]] = {}
    big = np.flatnonzero(inst.size >= 2)
    by_size = big[np.lexsort((inst.size[big], inst.group_of[big]))]  # pop(): largest first
    for i in by_size.tolist():
        members.setdefault(int(inst.group_of[i]), []).append(i)
    for a in np.lexsort((km, g)).tolist():
        waiting = members.get(int(g[a]), [])
        room, kept = int(left[a]), []
        while waiting and room > 0:
            i = waiting.pop()
            if size[i] <= room:
                plan[i] = int(j[a])
                room -= size[i]
            else:
                kept.append(i)
        left[a] = room
        waiting.extend(reversed(kept))
    order = np.lexsort((-left, g))
    first = np.searchsorted(g[order], np.arange(inst.n_groups + 1)).tolist()
    shelter_sorted, left_sorted = j[order].tolist(), left[order].tolist()
    split = np.flatnonzero((plan < 0) & (inst.size >= 2))
    for i in split[np.argsort(-inst.size[split], kind="stable")].tolist():
        gi = int(inst.group_of[i])
        lo, hi = first[gi], first[gi + 1]
        if hi > lo:  # the shelter with most of the group's flow left
            best = lo + int(np.argmax(left_sorted[lo:hi]))
            plan[i] = shelter_sorted[best]
            left_sorted[best] -= size[i]
    _evict_over_capacity(inst, plan)
    _place_singles(inst, priced, plan, g, j)
    return plan


def _evict_over_capacity(inst: SparseInstance, plan: IntArray) -> None:
    """Where the larger households alone overfill a shelter or a quota (rare: a shelter
    whose flow was mostly singles), the last placed there wait for the leftovers step."""
    for _ in range(2):
        on = plan >= 0
        load = np.bincount(plan[on], weights=inst.size[on], minlength=inst.n_shelters)
        over = np.flatnonzero(load > inst.capacity)
        for s in over.tolist():
            excess = int(load[s] - inst.capacity[s])
            for i in np.flatnonzero(plan == s)[::-1].tolist():
                if excess <= 0:
                    break
                plan[i] = -1
                excess -= int(inst.size[i])
        if inst.quota_limit.shape[0] == 0:
            return
        on = plan >= 0
        q = inst.quota_of[plan[on]]
        used = np.bincount(q[q >= 0], inst.size[on][q >= 0], inst.quota_limit.shape[0])
        for r in np.flatnonzero(used > inst.quota_limit).tolist():
            excess = int(used[r] - inst.quota_limit[r])
            for i in np.flatnonzero((plan >= 0) & (inst.quota_of[plan] == r))[::-1].tolist():
                if excess <= 0:
                    break
                plan[i] = -1
                excess -= int(inst.size[i])


def _place_singles(
    inst: SparseInstance, priced: Priced, plan: IntArray, g: IntArray, j: IntArray
) -> None:
    singles = np.flatnonzero(inst.size == 1)
    if singles.shape[0] == 0:
        return
    on = plan >= 0
    load = np.bincount(plan[on], weights=inst.size[on], minlength=inst.n_shelters)
    quota = inst.quota_of[plan[on]]
    quota_used = np.bincount(
        quota[quota >= 0], inst.size[on][quota >= 0], inst.quota_limit.shape[0]
    )
    groups, single_group = np.unique(inst.group_of[singles], return_inverse=True)
    sub = replace(
        inst,
        households=(),
        size=np.zeros(0, np.int64),
        group_of=np.zeros(0, np.int64),
        group_persons=np.bincount(single_group.reshape(-1), minlength=groups.shape[0]),
        group_lat=inst.group_lat[groups],
        group_lon=inst.group_lon[groups],
        group_mask=inst.group_mask[groups],
        capacity=np.maximum(inst.capacity - load.astype(np.int64), 0),
        quota_limit=np.maximum(inst.quota_limit - quota_used.astype(np.int64), 0),
    )
    local = np.full(inst.n_groups, -1, np.int64)
    local[groups] = np.arange(groups.shape[0])
    cand = priced.shelter[groups, :SINGLE_CANDIDATES]
    arc_g = np.repeat(np.arange(groups.shape[0]), cand.shape[1])
    arc_j = cand.reshape(-1)
    mine = local[g] >= 0
    network = _SparseNetwork(sub)
    network.add_pair_arcs(
        np.concatenate([arc_g[arc_j >= 0], local[g[mine]]]),
        np.concatenate([arc_j[arc_j >= 0], j[mine]]),
    )
    network.solve()
    flow = network.flows[network.fixed_tail.shape[0] :]
    used = flow > 0
    fg, fj, fp = network.pair_g[used], network.pair_j[used], flow[used]
    # hand each group's flows to its singles in order
    members = singles[np.argsort(single_group.reshape(-1), kind="stable")]
    start = np.concatenate([[0], np.cumsum(sub.group_persons)])
    order = np.argsort(fg, kind="stable")
    fg, fj, fp = fg[order], fj[order], fp[order]
    offset = (
        np.cumsum(fp)
        - fp
        - (np.cumsum(np.bincount(fg, fp, groups.shape[0])) - np.bincount(fg, fp, groups.shape[0]))[
            fg
        ]
    )
    who = np.repeat(start[fg] + offset, fp) + (
        np.arange(int(fp.sum())) - np.repeat(np.cumsum(fp) - fp, fp)
    )
    plan[members[who.astype(np.int64)]] = np.repeat(fj, fp)


def place_leftovers_sparse(inst: SparseInstance, plan: IntArray) -> None:
    """Largest first, to the nearest shelter with room among all it may use (one vector over
    the shelters per waiting household: the few that rounding could not place)."""
    placed = plan >= 0
    room = inst.capacity - np.bincount(
        plan[placed], weights=inst.size[placed], minlength=inst.n_shelters
    ).astype(np.int64)
    quota = inst.quota_of[plan[placed]]
    quota_left = inst.quota_limit - np.bincount(
        quota[quota >= 0],
        weights=inst.size[placed][quota >= 0],
        minlength=inst.quota_limit.shape[0],
    ).astype(np.int64)
    waiting = np.flatnonzero(~placed)
    for i in waiting[np.argsort(-inst.size[waiting], kind="stable")].tolist():
        size, g = int(inst.size[i]), int(inst.group_of[i])
        ok = room >= size
        if quota_left.shape[0]:
            ok &= np.append(quota_left >= size, True)[inst.quota_of]
        ok &= (inst.group_mask[g] & ~inst.shelter_mask) == 0
        open_ = np.flatnonzero(ok)
        if open_.shape[0] == 0:
            continue
        d = _haversine(
            np.full(open_.shape, inst.group_lat[g]),
            np.full(open_.shape, inst.group_lon[g]),
            inst.shelter_lat[open_],
            inst.shelter_lon[open_],
        )
        j = int(open_[np.argmin(d)])
        plan[i] = j
        room[j] -= size
        if inst.quota_of[j] >= 0:
            quota_left[inst.quota_of[j]] -= size


class SparseSearch:
    """Moves and swaps along each household's candidate list (plus where it is now).
    Waiting is a virtual shelter dearer per person than any two real ones, so a swap that
    places more persons always wins; persons placed never go down."""

    def __init__(self, inst: SparseInstance, priced: Priced, plan: IntArray) -> None:
        self.inst, self.plan = inst, plan
        self.wait = inst.n_shelters
        finite = priced.km[np.isfinite(priced.km)]
        self.wait_cost = 10.0 * (2.0 * float(finite.max(initial=0.0)) + 1.0) + 40_000.0
        self.cand = priced.shelter
        self.lat, self.lon = inst.group_lat.tolist(), inst.group_lon.tolist()
        self.slat, self.slon = inst.shelter_lat.tolist(), inst.shelter_lon.tolist()
        self.gmask, self.smask = inst.group_mask.tolist(), inst.shelter_mask.tolist()
        self.group_of, self.size = inst.group_of.tolist(), inst.size.tolist()
        self.where = np.where(plan >= 0, plan, self.wait).tolist()
        load = np.bincount(plan[plan >= 0], weights=inst.size[plan >= 0], minlength=inst.n_shelters)
        self.room = (inst.capacity - load.astype(np.int64)).tolist() + [1 << 60]
        self.quota_of = inst.quota_of.tolist() + [-1]
        used = np.zeros(inst.quota_limit.shape[0], np.int64)
        q = inst.quota_of[plan[plan >= 0]]
        np.add.at(used, q[q >= 0], inst.size[plan >= 0][q >= 0])
        self.quota_left = (inst.quota_limit - used).tolist()
        self.occupants: list[set[int]] = [set() for _ in range(inst.n_shelters + 1)]
        for i, j in enumerate(self.where):
            self.occupants[j].add(i)
        # households worth a look: those not in their best candidate, most person-km first
        here_km = np.where(plan >= 0, 0.0, self.wait_cost)
        on = plan >= 0
        here_km[on] = _haversine(
            inst.group_lat[inst.group_of[on]],
            inst.group_lon[inst.group_of[on]],
            inst.shelter_lat[plan[on]],
            inst.shelter_lon[plan[on]],
        )
        nearest = priced.km[inst.group_of].min(axis=1)
        excess = inst.size * np.maximum(here_km - nearest, 0.0)
        self.queue = np.argsort(-excess, kind="stable")[: int(np.count_nonzero(excess > 1e-9))]

    def km(self, i: int, j: int) -> float:
        if j == self.wait:
            return self.wait_cost
        g = self.group_of[i]
        p1, p2 = math.radians(self.lat[g]), math.radians(self.slat[j])
        dl = math.radians(self.slon[j] - self.lon[g])
        a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 12742.0176 * math.asin(min(1.0, math.sqrt(a)))

    def accepts(self, i: int, j: int) -> bool:
        return j == self.wait or (self.gmask[self.group_of[i]] & ~self.smask[j]) == 0

    def run(self, deadline: float) -> int:
        changes = 0
        for _ in range(3):
            made = 0
            for i in self.queue.tolist():
                # waiting households first, whatever the time: persons placed come first
                if self.where[i] != self.wait and time.monotonic() > deadline:
                    return changes + made + self._settle_waiting()
                if self.where[i] == self.wait:
                    if self._move(i) or self._swap(i) or self._unblock(i):
                        made += 1
                elif self._move(i) or self._swap(i):
                    made += 1
            changes += made
            if made == 0:
                break
        return changes + self._settle_waiting()

    def _settle_waiting(self) -> int:
        """Swaps may leave a smaller household waiting in place of a larger one; give every
        household still waiting its chance, whatever the time, until nothing changes."""
        changes = 0
        while True:
            waiting = [i for i in self.occupants[self.wait]]
            made = 0
            for i in sorted(waiting, key=lambda i: -self.size[i]):
                if self.where[i] == self.wait and (self._place_anywhere(i) or self._unblock(i)):
                    made += 1
            changes += made
            if made == 0:
                return changes

    def _fits(self, i: int, j: int, leaving: int = 0) -> bool:
        s = self.size[i]
        if self.room[j] + leaving < s:
            return False
        q = self.quota_of[j]
        return bool(q < 0 or q == self.quota_of[self.where[i]] or self.quota_left[q] + leaving >= s)

    def _move(self, i: int) -> bool:
        here = self.where[i]
        if here == self.wait and self._place_anywhere(i):
            return True
        now = self.km(i, here)
        best, target = now - 1e-9, -1
        for j in self.cand[self.group_of[i]].tolist():
            if j < 0:
                break
            if j != here and self._fits(i, j):
                cost = self.km(i, j)
                if cost < best:
                    best, target = cost, j
        if target < 0:
            return False
        self._relocate(i, target)
        return True

    def _swap(self, a: int) -> bool:
        here = self.where[a]
        size_a = self.size[a]
        now = self.km(a, here)
        best_gain, partner = 1e-7 * (1.0 + now), -1
        for j in self.cand[self.group_of[a]].tolist():
            if j < 0:
                break
            if j == here:
                continue
            there_a = self.km(a, j)
            if there_a >= now:
                continue
            for b in self.occupants[j]:
                size_b = self.size[b]
                if not self.accepts(b, here) or not self._swap_fits(here, j, size_a, size_b):
                    continue
                gain = size_a * (now - there_a) + size_b * (self.km(b, j) - self.km(b, here))
                if gain > best_gain:
                    best_gain, partner = gain, b
        if partner < 0:
            return False
        there = self.where[partner]
        self._relocate(a, there)
        self._relocate(partner, here)
        return True

    def _unblock(self, a: int) -> bool:
        """A waiting household takes the place of another in one of the nearest shelters it
        may use; that one moves to the nearest other shelter with room for it (or, if it is
        smaller, waits in its turn): more persons placed either way. Only the few waiting
        households get this scan of the shelters."""
        inst, size_a = self.inst, self.size[a]
        g = self.group_of[a]
        usable = np.flatnonzero((inst.group_mask[g] & ~inst.shelter_mask) == 0)
        if usable.shape[0] == 0:
            return False
        near = usable[np.argsort(_arc_km(inst, np.array([g]), usable)[0], kind="stable")[:64]]
        fallback = (-1, -1)
        for j in near.tolist():
            for b in sorted(self.occupants[j], key=lambda b: self.size[b]):
                if not self._swap_fits(self.wait, j, size_a, self.size[b]):
                    continue
                target = self._nearest_room(b, avoid=j)
                q = self.quota_of[j]
                if target >= 0 and q >= 0 and self.quota_of[target] == q:
                    # b stays in j's quota region: a needs a place of the quota of its own
                    target = target if self.quota_left[q] >= size_a else -1
                if target >= 0:
                    self._relocate(b, target)
                    self._relocate(a, j)
                    return True
                if self.size[b] < size_a and fallback[0] < 0:
                    fallback = (b, j)
        if fallback[0] < 0:
            return False
        b, j = fallback
        self._relocate(b, self.wait)
        self._relocate(a, j)
        self._unblock(b)
        return True

    def _nearest_room(self, i: int, avoid: int = -1) -> int:
        inst, size = self.inst, self.size[i]
        g = self.group_of[i]
        room = np.array(self.room[: self.wait])
        ok = ((inst.group_mask[g] & ~inst.shelter_mask) == 0) & (room >= size)
        if 0 <= avoid < self.wait:
            ok[avoid] = False
        here = self.where[i]
        if 0 <= here < self.wait:
            ok[here] = False
        usable = [j for j in np.flatnonzero(ok).tolist() if self._fits(i, j)]
        if not usable:
            return -1
        fit = np.array(usable, dtype=np.int64)
        return int(fit[np.argmin(_arc_km(inst, np.array([g]), fit)[0])])

    def _place_anywhere(self, i: int) -> bool:
        target = self._nearest_room(i)
        if target < 0:
            return False
        self._relocate(i, target)
        return True

    def _swap_fits(self, here: int, there: int, size_a: int, size_b: int) -> bool:
        if self.room[there] + size_b < size_a or self.room[here] + size_a < size_b:
            return False
        qa, qb = self.quota_of[here], self.quota_of[there]
        if qa == qb:
            return True
        return bool(
            (qb < 0 or self.quota_left[qb] >= size_a - size_b)
            and (qa < 0 or self.quota_left[qa] >= size_b - size_a)
        )

    def _relocate(self, i: int, j: int) -> None:
        size, here = self.size[i], self.where[i]
        self.occupants[here].discard(i)
        self.occupants[j].add(i)
        self.room[here] += size
        self.room[j] -= size
        if self.quota_of[here] >= 0:
            self.quota_left[self.quota_of[here]] += size
        if self.quota_of[j] >= 0:
            self.quota_left[self.quota_of[j]] -= size
        self.where[i] = j
        self.plan[i] = j if j < self.wait else -1


def _polish_with_mip(
    households: Sequence[Household],
    shelters: Sequence[Shelter],
    options: Options,
    plan: IntArray,
    bound: NationalBound,
) -> IntArray | None:
    from refuge.core.placement.mip import improve_with_mip

    dense = build_instance(households, shelters, replace(options, max_origin_groups=1 << 62))
    relaxation = Relaxation(
        max_persons=bound.max_persons,
        persons_in_preferred_region=None,
        person_cost=bound.person_km,
        flow_cost=bound.person_km,
        flow_group=np.zeros(0, np.int64),
        flow_shelter=np.zeros(0, np.int64),
        flow_persons=np.zeros(0, np.int64),
        arcs=0,
    )
    return improve_with_mip(dense, plan, relaxation, max(options.time_limit_s, 0.5))


def _placement(inst: SparseInstance, plan: IntArray, method: str) -> Placement:
    placed = plan >= 0
    shelter_ids = [s.shelter_id for s in inst.shelters]
    ids = [h.household_id for h in inst.households]
    assignments = {ids[i]: shelter_ids[j] for i, j in enumerate(plan.tolist()) if j >= 0}
    km = person_km(inst.households, inst.shelters, plan)
    return Placement(
        assignments=assignments,
        unplaced=tuple(ids[i] for i in np.flatnonzero(~placed).tolist()),
        stats=PlacementStats(
            households=len(inst.households),
            persons=int(inst.size.sum()),
            placed_households=int(placed.sum()),
            placed_persons=int(inst.size[placed].sum()),
            person_km=km,
            person_cost=km,
            persons_in_preferred_region=0,
            method=method,
        ),
    )


def first_come_first_served_national(
    households: Sequence[Household], shelters: Sequence[Shelter], options: Options | None = None
) -> Placement:
    """Each household in registration order to the nearest shelter (from its own address)
    that accepts it and has room: baseline.py's desk rule without its origins x shelters
    matrix. The nearest few come from a k-d tree of the shelters still open, rebuilt when a
    twentieth of them has filled; a household whose few are all too full scans them all."""
    from scipy.spatial import cKDTree

    options = options or Options()
    inst = build_sparse_instance(households, shelters, options)
    plan = np.full(len(households), -1, np.int64)
    room = inst.capacity.copy()
    quota_left = inst.quota_limit.copy()
    xyz = _unit(inst.shelter_lat, inst.shelter_lon)
    home = _unit(inst.group_lat, inst.group_lon)
    trees: dict[int, tuple[IntArray, cKDTree, int]] = {}

    def tree_of(mask: int) -> tuple[IntArray, cKDTree, int]:
        kept = trees.get(mask)
        if kept is not None:
            alive = int(np.count_nonzero(room[kept[0]] > 0))
            if alive >= kept[2] * 0.95:
                return kept
        open_ = np.flatnonzero(((mask & ~inst.shelter_mask) == 0) & (room > 0))
        built = (
            open_,
            cKDTree(xyz[open_]) if open_.shape[0] else cKDTree(np.zeros((1, 3))),
            int(open_.shape[0]),
        )
        trees[mask] = built
        return built

    def fits(j: int, size: int) -> bool:
        q = int(inst.quota_of[j])
        return bool(room[j] >= size and (q < 0 or quota_left[q] >= size))

    batch = 2048
    for start in range(0, len(households), batch):
        rows = np.arange(start, min(start + batch, len(households)))
        masks = inst.group_mask[inst.group_of[rows]]
        nearest: dict[int, tuple[IntArray, np.ndarray]] = {}
        for mask in np.unique(masks).tolist():
            open_, tree, n_open = tree_of(int(mask))
            if n_open == 0:
                continue
            who = rows[masks == mask]
            # the nearest 32, nearest first: the first with room is the nearest with room
            _, idx = tree.query(home[inst.group_of[who]], k=min(32, n_open))
            nearest[int(mask)] = (who, np.asarray(idx).reshape(who.shape[0], -1))
        choice: dict[int, list[int]] = {}
        for mask, (who, idx) in nearest.items():
            open_ = trees[mask][0]
            for i, row in zip(who.tolist(), open_[idx].tolist(), strict=True):
                choice[i] = row
        for i in rows.tolist():
            size, mask = int(inst.size[i]), int(inst.group_mask[inst.group_of[i]])
            target = next((j for j in choice.get(i, []) if fits(j, size)), -1)
            if target < 0 and mask in trees:  # scan every open shelter it may use
                open_ = trees[mask][0]
                ok = open_[room[open_] >= size]
                if quota_left.shape[0]:  # fits(), for every open shelter at once
                    q = inst.quota_of[ok]
                    ok = ok[(q < 0) | (quota_left[np.maximum(q, 0)] >= size)]
                if ok.shape[0]:
                    g = int(inst.group_of[i])
                    target = int(ok[np.argmin(_arc_km(inst, np.array([g]), ok)[0])])
            if target >= 0:
                plan[i] = target
                room[target] -= size
                if inst.quota_of[target] >= 0:
                    quota_left[inst.quota_of[target]] -= size
    return _placement(inst, plan, "first-come-first-served")
