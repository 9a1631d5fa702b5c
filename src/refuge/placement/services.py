"""Django-side entry to the placement engine: shelters and households in, shelters out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from refuge.core import placement as engine
from refuge.core.placement.model import Household as Need
from refuge.core.placement.model import Options
from refuge.core.placement.model import Shelter as Offer
from refuge.registry.models import Household
from refuge.shelters.models import Shelter

ENGINE_WORDS = frozenset({"wheelchair", "medical"})


@dataclass(frozen=True)
class ShelterRequest:
    # None while the registrar is still filling in the form: a suggestion comes first.
    household: Household | None
    size: int
    lat: float
    lon: float
    needs: frozenset[str]


def plan_for_households(
    requests: Sequence[ShelterRequest],
    shelters: Sequence[Shelter],
    options: Options | None = None,
) -> list[Shelter | None]:
    """The best shelter for each household (None where none has room), in request order.

    Free places are read from the shelters as given: the caller then takes them with
    do_assign, which refuses if a concurrent desk took them first.
    """
    by_id = {str(s.pk): s for s in shelters}
    offers = [
        Offer(
            shelter_id=str(s.pk),
            capacity=s.free,
            lat=s.lat,
            lon=s.lon,
            features=s.features & ENGINE_WORDS,
            region=str(s.region_id),
        )
        for s in shelters
        if s.free > 0
    ]
    needs = [
        Need(
            household_id=str(i),
            size=r.size,
            origin_lat=r.lat,
            origin_lon=r.lon,
            needs=r.needs & ENGINE_WORDS,
        )
        for i, r in enumerate(requests)
    ]
    if not offers or not needs:
        return [None] * len(requests)
    placement = engine.place(needs, offers, options or Options())
    return [
        by_id[sid] if (sid := placement.shelter_of(str(i))) is not None else None
        for i in range(len(requests))
    ]
