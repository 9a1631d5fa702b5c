"""The desk search's comparison of a typed word with a registered name part."""

from __future__ import annotations

import pytest

from refuge.core.linkage.search import NameMatch, name_match, phone_matches, word_match, words


@pytest.mark.parametrize(
    ("typed", "registered", "expected"),
    [
        ("Tarasova", "Тарасова", NameMatch.EXACT),  # Latin letters
        ("ТАРАСОВА", "Тарасова", NameMatch.EXACT),
        ("Tarasov", "Тарасова", NameMatch.SAME_NAME),  # masculine form
        ("Kovalska", "Ковальский", NameMatch.SAME_NAME),
        ("Саша", "Александр", NameMatch.SAME_NAME),  # diminutive
        ("Олександр", "Александр", NameMatch.SAME_NAME),  # the Ukrainian form
        ("Tetiana", "Татьяна", NameMatch.SAME_NAME),
        ("Тарасва", "Тарасова", NameMatch.ONE_SLIP),
        ("Тарсаова", "Тарасова", NameMatch.ONE_SLIP),  # two letters transposed
        ("Петрова", "Петренко", NameMatch.NONE),
        ("Ольга", "Александр", NameMatch.NONE),
        ("Ли", "Лю", NameMatch.NONE),  # too short for a slip to mean anything
    ],
)
def test_a_typed_word_against_a_registered_name(
    typed: str, registered: str, expected: NameMatch
) -> None:
    assert word_match(typed, registered) == expected


def test_every_word_must_denote_a_distinct_name_part_and_exact_spellings_rank_higher() -> None:
    parts = ("Александра", "Петровна", "Тарасова")
    assert (
        name_match(words("Тарасова Александра"), parts)
        > name_match(words("Tarasova Sasha"), parts)
        > 0
    )
    assert name_match(words("Тарасова Ольга"), parts) == 0
    assert name_match(words("Тарасова Тарасова"), parts) == 0  # one part cannot match twice
    assert words("  О'Нил-Петрова, Анна-Мария 1948 ") == ["О'Нил-Петрова", "Анна-Мария"]


@pytest.mark.parametrize(
    ("typed", "registered", "expected"),
    [
        ("4567 89", "8 912 345-67-89", True),
        ("+7 (912) 345-67-89", "89123456789", True),
        ("380 912 345 6789", "+7 912 345 67 89", True),  # the same last nine digits
        ("123", "89123", False),  # too few digits to search on
        ("6788", "89123456789", False),
        ("6789", "", False),
    ],
)
def test_a_phone_matches_on_its_last_digits(typed: str, registered: str, expected: bool) -> None:
    digits = "".join(ch for ch in typed if ch.isdigit())
    assert phone_matches(digits, registered) is expected
