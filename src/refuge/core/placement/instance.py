"""The solver's view of a placement problem: origin groups, shelters, one cost matrix.

Households from the same origin with the same needs are interchangeable for the relaxation
(it counts persons, not households), so the model is built on those groups, not on
households: a quarter of a million households from a few hundred settlements is a few
thousand groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from refuge.core.placement.distance import EARTH_RADIUS_KM, FloatArray, haversine_matrix_km
from refuge.core.placement.model import NEED_WORDS, Household, Options, Shelter

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_WORD_BIT = {word: 1 << i for i, word in enumerate(sorted(NEED_WORDS))}


@dataclass(frozen=True)
class Instance:
    households: Sequence[Household]
    shelters: Sequence[Shelter]
    options: Options
    size: IntArray  # per household
    group_of: IntArray  # per household -> group
    group_persons: IntArray  # per group
    #: groups x shelters; inf where the group may not go (missing feature, no travel time)
    cost: FloatArray
    capacity: IntArray  # per shelter
    quota_of: IntArray  # per shelter -> quota index, -1 when its region has no quota
    quota_limit: IntArray  # per quota index
    in_preferred: BoolArray  # per shelter

    @property
    def n_groups(self) -> int:
        return int(self.group_persons.shape[0])

    @property
    def n_shelters(self) -> int:
        return int(self.capacity.shape[0])


def build_instance(
    households: Sequence[Household], shelters: Sequence[Shelter], options: Options
) -> Instance:
    size = np.array([h.size for h in households], dtype=np.int64)
    group_of, lat, lon, need_mask = _origin_groups(households, options)
    group_persons = np.bincount(group_of, weights=size, minlength=lat.shape[0]).astype(np.int64)
    feature_mask = np.array([_mask(s.features) for s in shelters], dtype=np.int64)
    if options.travel_cost is None:
        cost = haversine_matrix_km(lat, lon, *_shelter_positions(shelters))
    else:
        cost = _matrix_cost(households, shelters, options, group_of, lat.shape[0])
    lacking = (need_mask[:, None] & ~feature_mask[None, :]) != 0
    cost[lacking] = np.inf
    quota_regions = sorted(options.quotas)
    quota_index = {region: i for i, region in enumerate(quota_regions)}
    return Instance(
        households=households,
        shelters=shelters,
        options=options,
        size=size,
        group_of=group_of,
        group_persons=group_persons,
        cost=cost,
        capacity=np.array([s.capacity for s in shelters], dtype=np.int64),
        quota_of=np.array([quota_index.get(s.region, -1) for s in shelters], dtype=np.int64),
        quota_limit=np.array([options.quotas[r] for r in quota_regions], dtype=np.int64),
        in_preferred=np.array(
            [
                options.prefer_region is not None and s.region == options.prefer_region
                for s in shelters
            ],
            dtype=np.bool_,
        ),
    )


def person_km(
    households: Sequence[Household], shelters: Sequence[Shelter], shelter_of: IntArray
) -> float:
    """Exact great-circle person-km of a plan (shelter index per household, -1 = unplaced)."""
    placed = np.flatnonzero(shelter_of >= 0)
    if placed.size == 0:
        return 0.0
    chosen = [households[i] for i in placed.tolist()]
    lat = np.array([h.origin_lat for h in chosen])
    lon = np.array([h.origin_lon for h in chosen])
    target = shelter_of[placed]
    s_lat = np.array([s.lat for s in shelters])[target]
    s_lon = np.array([s.lon for s in shelters])[target]
    p1, p2 = np.radians(lat), np.radians(s_lat)
    dl = np.radians(s_lon - lon)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    size = np.array([h.size for h in chosen])
    return float(np.sum(size * km))


def need_mask(words: frozenset[str]) -> int:
    """Needs (or features) as bits, so "has every needed feature" is one bitwise test."""
    return sum(_WORD_BIT[w] for w in words)


_mask = need_mask


def _shelter_positions(shelters: Sequence[Shelter]) -> tuple[FloatArray, FloatArray]:
    return (
        np.array([s.lat for s in shelters], dtype=np.float64),
        np.array([s.lon for s in shelters], dtype=np.float64),
    )


def _origin_groups(
    households: Sequence[Household], options: Options
) -> tuple[IntArray, FloatArray, FloatArray, IntArray]:
    """Group households by (origin, needs); with a travel matrix every household is its own
    group, because two neighbours may still have different rows in the matrix."""
    if options.travel_cost is not None:
        keys: list[tuple[object, ...]] = [(h.household_id,) for h in households]
    else:
        keys = [(h.origin_lat, h.origin_lon, _mask(h.needs)) for h in households]
        if len({k[:2] for k in keys}) > options.max_origin_groups:
            cell = options.origin_cell_deg
            keys = [
                (round(h.origin_lat / cell), round(h.origin_lon / cell), _mask(h.needs))
                for h in households
            ]
    index: dict[tuple[object, ...], int] = {}
    group_of = np.array([index.setdefault(k, len(index)) for k in keys], dtype=np.int64)
    n = len(index)
    # A merged cell sits where its persons are: the persons-weighted mean origin.
    weight = np.array([h.size for h in households], dtype=np.float64)
    lat_sum = np.bincount(
        group_of, weights=weight * [h.origin_lat for h in households], minlength=n
    )
    lon_sum = np.bincount(
        group_of, weights=weight * [h.origin_lon for h in households], minlength=n
    )
    persons = np.bincount(group_of, weights=weight, minlength=n)
    need_mask = np.zeros(n, dtype=np.int64)
    for h, g in zip(households, group_of.tolist(), strict=True):
        need_mask[g] = _mask(h.needs)
    return group_of, lat_sum / persons, lon_sum / persons, need_mask


def _matrix_cost(
    households: Sequence[Household],
    shelters: Sequence[Shelter],
    options: Options,
    group_of: IntArray,
    n_groups: int,
) -> FloatArray:
    assert options.travel_cost is not None
    column = {s.shelter_id: j for j, s in enumerate(shelters)}
    row = {h.household_id: int(g) for h, g in zip(households, group_of.tolist(), strict=True)}
    cost = np.full((n_groups, len(shelters)), np.inf)
    for (household_id, shelter_id), minutes in options.travel_cost.items():
        g, j = row.get(household_id), column.get(shelter_id)
        if g is not None and j is not None:
            cost[g, j] = minutes
    return cost
