"""A bad file is reported in one sentence naming the file, the row and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from refuge.core.placement.csvio import (
    InputFileError,
    read_households,
    read_quotas,
    read_shelters,
    read_travel_matrix,
)
from refuge.core.placement.model import Household, Shelter

HEADER = "household_id,size,origin_lat,origin_lon,needs\n"


def write(tmp_path: Path, text: str | bytes, name: str = "H.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def households_error(tmp_path: Path, text: str | bytes) -> InputFileError:
    with pytest.raises(InputFileError) as caught:
        read_households(write(tmp_path, text))
    return caught.value


def test_reads_households_with_needs_and_a_spreadsheet_bom(tmp_path: Path) -> None:
    path = write(
        tmp_path, "\ufeff" + HEADER + "H1,3,51.2,35.3,wheelchair; Medical\nH2,1,51.3,35.1,\n"
    )
    assert read_households(path) == [
        Household("H1", 3, 51.2, 35.3, frozenset({"wheelchair", "medical"})),
        Household("H2", 1, 51.3, 35.1, frozenset()),
    ]


def test_reads_shelters_with_and_without_region(tmp_path: Path) -> None:
    with_region = write(
        tmp_path,
        "shelter_id,capacity,lat,lon,features,region\nS1,40,51.7,36.2,medical,KUR\n",
        "S.csv",
    )
    without = write(tmp_path, "shelter_id,capacity,lat,lon,features\nS1,0,51.7,36.2,\n", "S2.csv")
    assert read_shelters(with_region) == [
        Shelter("S1", 40, 51.7, 36.2, frozenset({"medical"}), "KUR")
    ]
    assert read_shelters(without) == [Shelter("S1", 0, 51.7, 36.2, frozenset(), "")]


@pytest.mark.parametrize(
    ("text", "row", "field", "words"),
    [
        ("household_id,size,origin_lat,needs\nH1,2,51,\n", 1, "origin_lon", "missing"),
        (HEADER + "H1,2,51.2,35.3,\nH2,-1,51.2,35.3,\n", 3, "size", "below 1"),
        (HEADER + "H1,two,51.2,35.3,\n", 2, "size", "not a whole number"),
        (HEADER + "H1,2,north,35.3,\n", 2, "origin_lat", "not a number"),
        (HEADER + "H1,2,91.5,35.3,\n", 2, "origin_lat", "outside -90..90"),
        (HEADER + "H1,2,51.2,35.3,\nH1,3,51.2,35.3,\n", 3, "household_id", "already used on row 2"),
        (HEADER + "H1,2,51.2,35.3,pets\n", 2, "needs", "unknown word 'pets'"),
        (HEADER + "H1,,51.2,35.3,\n", 2, "size", "is empty"),
        (HEADER + "H1,2,51.2,nan,\n", 2, "origin_lon", "outside"),
    ],
)
def test_each_kind_of_mistake_names_row_and_field(
    tmp_path: Path, text: str, row: int, field: str, words: str
) -> None:
    error = households_error(tmp_path, text)
    assert (error.row, error.field) == (row, field)
    assert words in str(error)
    assert str(error).startswith(f"H.csv: row {row}, field '{field}': ")
    assert "\n" not in str(error)


def test_blank_lines_do_not_shift_row_numbers(tmp_path: Path) -> None:
    error = households_error(tmp_path, HEADER + "H1,2,51.2,35.3,\n\nH2,0,51.2,35.3,\n")
    assert (error.row, error.field) == (4, "size")


def test_undecodable_bytes_point_at_row_and_column(tmp_path: Path) -> None:
    text = (
        (HEADER + "H1,2,51.2,35.3,\nH2,3,51.2,35.3,").encode() + "инвалид".encode("cp1251") + b"\n"
    )
    error = households_error(tmp_path, text)
    assert (error.row, error.field) == (3, "needs")
    assert "UTF-8" in str(error)


def test_empty_file_says_which_header_is_expected(tmp_path: Path) -> None:
    error = households_error(tmp_path, "")
    assert error.row == 1
    assert "empty" in str(error) and "household_id,size" in str(error)


def test_shelter_capacity_cannot_be_negative(tmp_path: Path) -> None:
    path = write(tmp_path, "shelter_id,capacity,lat,lon,features\nS1,-5,51.7,36.2,\n", "S.csv")
    with pytest.raises(InputFileError, match=r"S.csv: row 2, field 'capacity': -5 is below 0"):
        read_shelters(path)


def test_travel_matrix_must_name_known_households_and_shelters(tmp_path: Path) -> None:
    households = [Household("H1", 2, 51.2, 35.3)]
    shelters = [Shelter("S1", 10, 51.7, 36.2)]
    good = write(tmp_path, "household_id,shelter_id,minutes\nH1,S1,95\n", "M.csv")
    assert read_travel_matrix(good, households, shelters) == {("H1", "S1"): 95.0}
    bad = write(tmp_path, "household_id,shelter_id,minutes\nH1,S1,95\nH1,S9,30\n", "M2.csv")
    with pytest.raises(InputFileError, match=r"M2.csv: row 3, field 'shelter_id': 'S9' is not in"):
        read_travel_matrix(bad, households, shelters)


def test_quota_for_a_region_without_shelters_is_a_mistake(tmp_path: Path) -> None:
    shelters = [Shelter("S1", 10, 51.7, 36.2, region="KUR")]
    path = write(tmp_path, "region,max_persons\nKUR,100\nVOR,50\n", "Q.csv")
    with pytest.raises(
        InputFileError, match=r"Q.csv: row 3, field 'region': no shelter is in region 'VOR'"
    ):
        read_quotas(path, shelters)


def test_a_clean_file_reads_the_same_at_once_as_row_by_row(tmp_path: Path) -> None:
    from refuge.core.placement.csvio import _households_at_once

    # columns in another order, an extra one, spaces, capitals, a BOM, Cyrillic ids
    text = (
        "\ufeffNeeds, Origin_Lon ,size,household_id,origin_lat,note\n"
        " Wheelchair ; MEDICAL ,35.27, 3 ,Семья-1,51.19,\n"
        ",34.64,1,Семья-2,51.34,пенсионер\n"
        "medical,34.3,7,1000042,51.27,\n"
    )
    path = write(tmp_path, text)
    expected = [
        Household("Семья-1", 3, 51.19, 35.27, frozenset({"wheelchair", "medical"})),
        Household("Семья-2", 1, 51.34, 34.64),
        Household("1000042", 7, 51.27, 34.3, frozenset({"medical"})),
    ]
    assert _households_at_once(path) == expected
    assert read_households(path) == expected


def test_the_fast_reader_leaves_a_bad_row_to_the_one_that_names_it(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "H1,3,51.19,35.27,\nH2,0,51.34,34.64,\nH3,2,51.2,35.1,\n")
    with pytest.raises(InputFileError) as caught:
        read_households(path)
    assert str(caught.value) == "H.csv: row 3, field 'size': 0 is below 1"
    again = write(tmp_path, HEADER + "H1,3,51.19,35.27,\n\nH1,2,51.2,35.1,\n", "H2.csv")
    with pytest.raises(InputFileError) as caught:
        read_households(again)
    assert "row 4, field 'household_id'" in str(caught.value)
