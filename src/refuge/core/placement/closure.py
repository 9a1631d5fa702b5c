"""When a shelter must close: move its households, whole, into shelters that still have room.

Only the closing shelter's households move, each exactly once (never a second family moved to
make room), so the number of moves is the number of occupants re-housed. Among plans re-housing
the most persons, the one with the least person-km of the transfer itself (from the closing
shelter to the new one) is chosen: that is the bus the operation has to run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from refuge.core.placement.model import Household, Options, Shelter
from refuge.core.placement.solver import place


@dataclass(frozen=True, slots=True)
class Move:
    household_id: str
    to_shelter_id: str


@dataclass(frozen=True, slots=True)
class Relocation:
    moves: tuple[Move, ...]
    #: occupants with nowhere to go, in the order given
    stranded: tuple[str, ...]
    persons_moved: int
    persons_stranded: int
    #: person-km from the closing shelter to the new ones
    transfer_person_km: float


def relocate_from_closing_shelter(
    closing: Shelter,
    occupants: Sequence[Household],
    shelters: Sequence[Shelter],
    residual_capacity: Mapping[str, int],
    options: Options | None = None,
) -> Relocation:
    """residual_capacity: free places per shelter_id right now; a shelter missing from it is
    taken as full. The closing shelter is never a destination."""
    open_room = [
        replace(s, capacity=max(0, residual_capacity.get(s.shelter_id, 0)))
        for s in shelters
        if s.shelter_id != closing.shelter_id
    ]
    # The transfer starts at the closing shelter, whatever the household's home.
    leaving = [replace(h, origin_lat=closing.lat, origin_lon=closing.lon) for h in occupants]
    plan = place(leaving, open_room, replace(options or Options(), travel_cost=None))
    size = {h.household_id: h.size for h in occupants}
    moves = tuple(
        Move(h.household_id, plan.assignments[h.household_id])
        for h in occupants
        if h.household_id in plan.assignments
    )
    return Relocation(
        moves=moves,
        stranded=plan.unplaced,
        persons_moved=plan.stats.placed_persons,
        persons_stranded=sum(size[i] for i in plan.unplaced),
        transfer_person_km=plan.stats.person_km,
    )
