"""Which standby shelters to open: fewest that take the waiting, each with its reason."""

from __future__ import annotations

from refuge.core.placement import Household, Shelter, recommend_standby_shelters


def test_opens_the_shelter_taking_most_waiting_persons_first_and_stops_when_all_covered() -> None:
    waiting = [Household(f"H{i}", 3, 51.2, 35.3) for i in range(10)]  # 30 persons
    standby = [
        Shelter("SMALL-NEAR", 9, 51.3, 35.4),
        Shelter("BIG-FAR", 24, 52.9, 36.0),
        Shelter("MEDIUM", 12, 51.7, 36.2),
        Shelter("SPARE", 50, 54.0, 38.0),
    ]
    plan = recommend_standby_shelters(waiting, standby)
    assert [r.shelter_id for r in plan] == ["SPARE"]
    assert plan[0].persons == 30 and plan[0].still_waiting == 0
    plan = recommend_standby_shelters(waiting, standby[:3])
    assert [r.shelter_id for r in plan] == ["BIG-FAR", "SMALL-NEAR"]
    assert [r.still_waiting for r in plan] == [6, 0]
    assert plan[0].reason.startswith("takes 24 waiting persons (8 households)")


def test_needs_decide_which_shelter_can_help() -> None:
    waiting = [
        Household("W", 2, 51.2, 35.3, frozenset({"wheelchair"})),
        Household("M", 4, 51.2, 35.3, frozenset({"medical"})),
    ]
    standby = [
        Shelter("PLAIN", 100, 51.3, 35.3),
        Shelter("RAMP", 10, 51.9, 36.0, frozenset({"wheelchair"})),
        Shelter("CLINIC", 10, 52.5, 36.5, frozenset({"medical"})),
    ]
    plan = recommend_standby_shelters(waiting, standby)
    assert [r.shelter_id for r in plan] == ["CLINIC", "RAMP"]
    assert "4 in households needing a medical post" in plan[0].reason
    assert plan[1].wheelchair_persons == 2


def test_nothing_to_recommend_when_no_standby_shelter_fits() -> None:
    waiting = [Household("H", 6, 51.2, 35.3)]
    assert recommend_standby_shelters(waiting, [Shelter("TINY", 4, 51.3, 35.3)]) == []
