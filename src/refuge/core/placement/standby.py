"""Which standby shelters to open next, given the households still waiting.

Greedy cover: open first the standby shelter that would take the most waiting persons (a
shelter only takes households whose needs it meets, nearest homes first, whole households up
to its capacity); on a tie the one whose takers live nearer. Repeat with who is still waiting
until everyone is covered or no standby shelter helps. Greedy cover is within a small factor
of the fewest shelters and, unlike an exact model, explains each choice in one sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from refuge.core.placement.distance import haversine_matrix_km
from refuge.core.placement.instance import BoolArray, IntArray
from refuge.core.placement.model import Household, Shelter


@dataclass(frozen=True, slots=True)
class StandbyRecommendation:
    shelter_id: str
    households: int
    persons: int
    wheelchair_persons: int
    medical_persons: int
    mean_km: float
    #: persons still waiting once this shelter and the ones before it are open
    still_waiting: int
    reason: str


def recommend_standby_shelters(
    waiting: Sequence[Household], standby: Sequence[Shelter]
) -> list[StandbyRecommendation]:
    """Ordered: open the first one first."""
    if not waiting or not standby:
        return []
    size = np.array([h.size for h in waiting], dtype=np.int64)
    km = haversine_matrix_km(
        np.array([h.origin_lat for h in waiting]),
        np.array([h.origin_lon for h in waiting]),
        np.array([s.lat for s in standby]),
        np.array([s.lon for s in standby]),
    )
    accepts = np.array([[s.accepts(h) for s in standby] for h in waiting], dtype=np.bool_)
    nearest_first = np.argsort(km, axis=0, kind="stable")
    still = np.ones(len(waiting), dtype=np.bool_)
    unopened = set(range(len(standby)))
    out: list[StandbyRecommendation] = []
    while still.any() and unopened:
        best: tuple[int, float, int, IntArray] | None = None
        for j in sorted(unopened):
            takers = _takers(nearest_first[:, j], accepts[:, j] & still, size, standby[j].capacity)
            persons = int(size[takers].sum())
            distance = float(np.sum(size[takers] * km[takers, j]))
            if persons and (best is None or (-persons, distance) < (-best[0], best[1])):
                best = (persons, distance, j, takers)
        if best is None:
            break
        persons, distance, j, takers = best
        unopened.discard(j)
        still[takers] = False
        out.append(
            _recommendation(
                standby[j], [waiting[i] for i in takers.tolist()], distance, int(size[still].sum())
            )
        )
    return out


def _takers(order: IntArray, eligible: BoolArray, size: IntArray, capacity: int) -> IntArray:
    """Whole households, nearest first, skipping any too big for the room left."""
    room = capacity
    chosen: list[int] = []
    for i in order[eligible[order]].tolist():
        if size[i] <= room:
            chosen.append(i)
            room -= int(size[i])
            if room == 0:
                break
    return np.array(chosen, dtype=np.int64)


def _recommendation(
    shelter: Shelter, takers: list[Household], distance: float, still_waiting: int
) -> StandbyRecommendation:
    persons = sum(h.size for h in takers)
    wheelchair = sum(h.size for h in takers if "wheelchair" in h.needs)
    medical = sum(h.size for h in takers if "medical" in h.needs)
    needs = []
    if wheelchair:
        needs.append(f"{wheelchair} in households needing wheelchair access")
    if medical:
        needs.append(f"{medical} in households needing a medical post")
    reason = (
        f"takes {persons} waiting persons ({len(takers)} households)"
        + (f", including {' and '.join(needs)}" if needs else "")
        + f"; on average {distance / persons:.0f} km from home"
        + f"; {still_waiting} persons still waiting after it"
    )
    return StandbyRecommendation(
        shelter_id=shelter.shelter_id,
        households=len(takers),
        persons=persons,
        wheelchair_persons=wheelchair,
        medical_persons=medical,
        mean_km=distance / persons,
        still_waiting=still_waiting,
        reason=reason,
    )
