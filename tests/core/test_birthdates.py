"""Birth dates as registrars and volunteers write them (refuge.core.birthdates)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refuge.core.birthdates import (
    BirthDateError,
    as_desk_writes_it,
    looks_like_a_date,
    read_birth_date,
)

TODAY = date(2026, 12, 5)


@pytest.mark.parametrize(
    ("typed", "parts"),
    [("14.03.1948", (1948, 3, 14)), ("4.7.1948", (1948, 7, 4)), ("03.1948", (1948, 3, None)),
     ("1948", (1948, None, None)), ("1948-03-14", (1948, 3, 14)), ("1948-03", (1948, 3, None)),
     ("  ", (None, None, None))],
)  # fmt: skip
def test_the_desk_reads_dots_and_iso(typed: str, parts: tuple[int | None, ...]) -> None:
    assert read_birth_date(typed, TODAY) == parts
    assert read_birth_date(typed, TODAY, lenient=True) == parts


@pytest.mark.parametrize(
    ("typed", "parts"),
    [("14/03/1948", (1948, 3, 14)), ("14-03-48", (1948, 3, 14)), ("1.1.26", (2026, 1, 1)),
     ("1.1.27", (1927, 1, 1)), ("1948 г.р.", (1948, None, None)), ("1948 р.н.", (1948, None, None)),
     ("17607", (1948, 3, 15)), ("17607.0", (1948, 3, 15)), ("1948-03-14 00:00:00", (1948, 3, 14))],
)  # fmt: skip
def test_lists_are_read_leniently_and_the_desk_asks_again(
    typed: str, parts: tuple[int | None, ...]
) -> None:
    assert read_birth_date(typed, TODAY, lenient=True) == parts
    with pytest.raises(BirthDateError) as refused:
        read_birth_date(typed, TODAY)
    assert refused.value.code == "format"


@pytest.mark.parametrize(
    ("typed", "code", "year"),
    [("31.02.1980", "invalid", 1980), ("13.1980", "invalid", 1980), ("1850", "range", 1850),
     ("01.01.2999", "range", 2999), ("06.12.2026", "future", 2026), ("14.03.194", "format", None),
     ("abc", "format", None)],
)  # fmt: skip
def test_refusals_say_why(typed: str, code: str, year: int | None) -> None:
    for lenient in (False, True):
        with pytest.raises(BirthDateError) as refused:
            read_birth_date(typed, TODAY, lenient=lenient)
        assert (refused.value.code, refused.value.year) == (code, year)


@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
def test_every_real_birth_date_reads_back_as_the_desk_writes_it(born: date) -> None:
    for typed in (
        born.strftime("%d.%m.%Y"),
        born.isoformat(),
        f"{born.day}.{born.month}.{born.year}",
    ):
        for lenient in (False, True):
            parts = read_birth_date(typed, TODAY, lenient=lenient)
            assert parts == (born.year, born.month, born.day)
            assert as_desk_writes_it(parts) == born.strftime("%d.%m.%Y")


def test_a_column_of_dates_is_recognised() -> None:
    assert looks_like_a_date("14.03.1948") and looks_like_a_date("1948-03-14")
    assert looks_like_a_date("1948-03-14T00:00:00")
    assert not looks_like_a_date("1948") and not looks_like_a_date("+7 903 123-45-67")
