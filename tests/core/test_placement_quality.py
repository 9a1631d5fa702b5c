"""On a Kursk-shaped evacuation the plan is close to the relaxation bound and beats the desk's
first-come-first-served habit; the relaxation really is a bound."""

from __future__ import annotations

import pytest

from refuge.core.placement import Options, place, place_first_come_first_served, relax
from refuge.core.placement.synthetic import evacuation


@pytest.mark.parametrize("capacity_ratio", [1.05, 1.25])
def test_plan_is_within_half_a_percent_of_the_bound_and_better_than_first_come(
    capacity_ratio: float,
) -> None:
    households, shelters = evacuation(800, 120, capacity_ratio, seed=7)
    bound = relax(households, shelters)
    plan = place(households, shelters)
    baseline = place_first_come_first_served(households, shelters)
    assert plan.stats.placed_persons == bound.max_persons == plan.stats.persons
    assert bound.person_cost <= plan.stats.person_km <= bound.person_cost * 1.005
    assert plan.stats.person_km < baseline.stats.person_km


def test_short_capacity_fills_every_place_the_bound_allows() -> None:
    households, shelters = evacuation(600, 90, 0.8, seed=3)
    bound = relax(households, shelters)
    plan = place(households, shelters)
    assert plan.stats.placed_persons == bound.max_persons == sum(s.capacity for s in shelters)
    assert len(plan.unplaced) > 0


def test_preferring_the_home_region_keeps_more_persons_there() -> None:
    households, shelters = evacuation(800, 120, 1.25, seed=11)
    anywhere = place(households, shelters)
    at_home = place(households, shelters, Options(prefer_region="KUR"))
    bound = relax(households, shelters, Options(prefer_region="KUR"))
    assert at_home.stats.placed_persons == anywhere.stats.placed_persons
    assert at_home.stats.persons_in_preferred_region == bound.persons_in_preferred_region
    assert at_home.stats.persons_in_preferred_region > anywhere.stats.persons_in_preferred_region
    kursk_places = sum(s.capacity for s in shelters if s.region == "KUR")
    assert at_home.stats.persons_in_preferred_region >= kursk_places - 6 * sum(
        1 for s in shelters if s.region == "KUR"
    )


def test_quota_caps_what_a_region_receives() -> None:
    households, shelters = evacuation(800, 120, 1.25, seed=5)
    plan = place(households, shelters, Options(quotas={"MOS": 40}))
    moscow = {s.shelter_id for s in shelters if s.region == "MOS"}
    size = {h.household_id: h.size for h in households}
    assert sum(size[h] for h, s in plan.assignments.items() if s in moscow) <= 40
    assert plan.stats.placed_persons == plan.stats.persons
