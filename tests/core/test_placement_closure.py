"""When a shelter closes its households move whole, each once, to the nearest room left."""

from __future__ import annotations

from refuge.core.placement import Household, Shelter, relocate_from_closing_shelter

CLOSING = Shelter("SCHOOL-7", 20, 51.73, 36.19, frozenset({"wheelchair"}), "KUR")
NEAR = Shelter("GYM-2", 30, 51.75, 36.20, frozenset(), "KUR")
NEAR_ACCESSIBLE = Shelter("HOSTEL-1", 30, 51.80, 36.30, frozenset({"wheelchair"}), "KUR")
FAR = Shelter("CAMP-9", 100, 52.97, 36.07, frozenset({"wheelchair"}), "ORL")


def test_occupants_move_whole_to_near_room_and_needs_are_met() -> None:
    occupants = [
        Household("A", 4, 51.2, 35.3),
        Household("B", 2, 51.2, 35.3, frozenset({"wheelchair"})),
        Household("C", 3, 51.3, 35.1),
    ]
    room = {"GYM-2": 7, "HOSTEL-1": 2, "CAMP-9": 50, "SCHOOL-7": 20}
    result = relocate_from_closing_shelter(
        CLOSING, occupants, [CLOSING, NEAR, NEAR_ACCESSIBLE, FAR], room
    )
    assert {m.household_id: m.to_shelter_id for m in result.moves} == {
        "A": "GYM-2",
        "B": "HOSTEL-1",
        "C": "GYM-2",
    }
    assert (result.persons_moved, result.stranded) == (9, ())


def test_most_persons_rehoused_when_room_is_short_and_the_rest_listed() -> None:
    occupants = [
        Household("A", 5, 51.2, 35.3),
        Household("B", 2, 51.2, 35.3),
        Household("C", 2, 51.2, 35.3),
    ]
    result = relocate_from_closing_shelter(CLOSING, occupants, [NEAR], {"GYM-2": 5})
    assert result.persons_moved == 5
    assert result.persons_stranded == 4
    assert len(result.moves) + len(result.stranded) == 3


def test_shelter_missing_from_residual_counts_as_full() -> None:
    occupants = [Household("A", 1, 51.2, 35.3)]
    result = relocate_from_closing_shelter(CLOSING, occupants, [NEAR, FAR], {"CAMP-9": 3})
    assert [m.to_shelter_id for m in result.moves] == ["CAMP-9"]
    assert result.transfer_person_km > 100
