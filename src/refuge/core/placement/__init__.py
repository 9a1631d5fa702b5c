"""Placing evacuated households into temporary shelters: pure functions, plain dataclasses.

A household goes whole to one shelter that has every feature it needs, no shelter goes over
capacity; as many persons as possible are placed, then total person-km is kept low.
"""

from refuge.core.placement.baseline import place_first_come_first_served
from refuge.core.placement.bounds import Relaxation, relax
from refuge.core.placement.closure import Relocation, relocate_from_closing_shelter
from refuge.core.placement.model import (
    NEED_WORDS,
    Household,
    Options,
    Placement,
    PlacementStats,
    Shelter,
)
from refuge.core.placement.solver import place
from refuge.core.placement.standby import StandbyRecommendation, recommend_standby_shelters

__all__ = [
    "NEED_WORDS",
    "Household",
    "Options",
    "Placement",
    "PlacementStats",
    "Relaxation",
    "Relocation",
    "Shelter",
    "StandbyRecommendation",
    "place",
    "place_first_come_first_served",
    "recommend_standby_shelters",
    "relax",
    "relocate_from_closing_shelter",
]
