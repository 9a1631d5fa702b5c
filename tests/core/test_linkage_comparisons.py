"""Comparison levels the corruption model relies on, and symmetry of scoring."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refuge.core.linkage.comparisons import COMPARISONS, LEVELS, compare
from refuge.core.linkage.features import build_features
from refuge.core.linkage.records import BirthDate, PersonRecord


def level(a: PersonRecord, b: PersonRecord, comparison: str) -> str | None:
    table = build_features([a, b])
    vectors = compare(table, np.array([0]), table, np.array([1]))
    code = int(vectors.levels[0, COMPARISONS.index(comparison)])
    return None if code < 0 else LEVELS[comparison][code]


def born(text: str) -> PersonRecord:
    return PersonRecord(record_id=text or "none", birth_date=BirthDate.parse(text, as_typed=True))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("1948-03-07", "1948-03-07", "exact"),
        ("1948-03-07", "1948-07-03", "day-month-swapped"),
        ("1948-03-07", "1984-03-07", "one-typo"),
        ("1948-03-07", "1949-03-07", "one-typo"),
        ("1948-03-07", "1948-03", "partial-agrees"),
        ("1948-03-07", "1948", "partial-agrees"),
        ("1948-03-07", "1978-09-30", "different"),
        ("1948-03-07", "1949-08-20", "different"),
        ("1948-03-07", "1948-11-25", "different"),
        ("1948-03-07", "1949", "year-within-1-or-partial-slip"),
        ("1948", "1949", "year-within-1-or-partial-slip"),
        ("1948-03-07", "", None),
        # Dates no calendar has, kept as typed (FEBRL 3): the slip is seen digit by digit.
        ("1955-11-92", "1955-11-29", "one-typo"),
        ("1955-11-29", "1955-11-92", "one-typo"),
        ("1955-11-92", "1955-11-92", "exact"),
        ("1955-13-07", "1955-03-07", "one-typo"),
        ("1955-02-30", "1955-02-03", "one-typo"),
        ("1955-11-92", "1971-04-15", "different"),
        ("14.03.1948", "1948-03-14", "exact"),
    ],
)
def test_birth_date_levels(a: str, b: str, expected: str | None) -> None:
    assert level(born(a), born(b), "birth_date") == expected


def test_family_name_gender_form_level() -> None:
    a = PersonRecord("a", family_name="Иванов")
    b = PersonRecord("b", family_name="Ivanova")
    assert level(a, b, "family_name") == "gender-form-or-transliteration"


def test_phone_prefix_does_not_matter() -> None:
    a = PersonRecord("a", phone="+7 (910) 123-45-67")
    b = PersonRecord("b", phone="89101234567")
    assert level(a, b, "phone") == "exact"


@pytest.mark.parametrize(
    ("field", "a", "b", "expected"),
    [
        # Two neighbouring digits swapped is one typing slip, like one digit mistyped.
        ("document_number", "4510 938437", "4510 938473", "one-edit"),
        ("document_number", "4510 938437", "4510 938447", "one-edit"),
        ("document_number", "4510 938437", "4510 938437", "exact"),
        # Swapped digits that are not neighbours, or two slips, are another document.
        ("document_number", "4510 938437", "4510 738439", "different"),
        ("document_number", "4510 938437", "4510 983473", "different"),
        ("postcode", "305004", "305040", "one-edit"),
        ("postcode", "305004", "307014", "different"),
        ("phone", "+7 910 123-45-67", "8 910 123-54-67", "one-edit"),
        ("phone", "+7 910 123-45-67", "8 910 321-45-67", "different"),
    ],
)
def test_a_transposed_pair_of_digits_is_one_slip(field: str, a: str, b: str, expected: str) -> None:
    left = PersonRecord("1041", **{field: a})
    right = PersonRecord("1042", **{field: b})
    assert level(left, right, field) == expected
    assert level(right, left, field) == expected


@pytest.mark.parametrize("text", ["1948-13-01", "1948-02-30", "48-03-07", "30.02.1948"])
def test_bad_birth_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        BirthDate.parse(text)


@pytest.mark.parametrize("text", ["48-03-07", "1948/03/07", "март 1948", "9" * 30])
def test_what_is_no_date_in_any_reading_is_refused_even_as_typed(text: str) -> None:
    with pytest.raises(ValueError):
        BirthDate.parse(text, as_typed=True)


def test_a_date_kept_as_typed_says_it_is_no_calendar_date() -> None:
    slip = BirthDate.parse("1955-11-92", as_typed=True)
    assert slip is not None and not slip.is_calendar_date() and str(slip) == "1955-11-92"
    assert BirthDate.parse("14.03.1948") == BirthDate(1948, 3, 14)


names = st.sampled_from(["Татьяна", "Tetiana", "Таня", "Иван", "Ivan", "Петрова", "Petrov", ""])
dates = st.sampled_from(["", "1948", "1948-03", "1948-03-07", "1948-07-03", "1984-03-07"])


@settings(max_examples=60, deadline=None)
@given(names, names, dates, names, names, dates)
def test_comparison_is_symmetric(g1: str, f1: str, d1: str, g2: str, f2: str, d2: str) -> None:
    a = PersonRecord("a", given_name=g1, family_name=f1, birth_date=BirthDate.parse(d1))
    b = PersonRecord("b", given_name=g2, family_name=f2, birth_date=BirthDate.parse(d2))
    table = build_features([a, b])
    ab = compare(table, np.array([0]), table, np.array([1])).levels
    ba = compare(table, np.array([1]), table, np.array([0])).levels
    assert (ab == ba).all()


@given(st.lists(st.sampled_from(["", "иван", "ivan", "Мария", "maria", "петро"]), max_size=40))
def test_small_batches_are_factorised_as_pandas_does(values: list[str]) -> None:
    """The desk's few-record path (a dict) and the batch path (pandas) agree exactly."""
    import pandas as pd

    from refuge.core.linkage.features import _factorize

    codes, uniques = _factorize(values)
    expected_codes, expected_uniques = pd.factorize(np.asarray(values, dtype=object))
    assert codes.tolist() == expected_codes.tolist()
    assert list(uniques) == list(expected_uniques)
