"""`refuge place` end to end on temporary files, through the pure CLI function."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from refuge.core.placement.cli import main

HOUSEHOLDS = """household_id,size,origin_lat,origin_lon,needs
H1,3,51.19,35.27,
H2,2,51.34,34.64,wheelchair
H3,4,51.41,34.91,
H4,5,51.19,35.27,medical
"""
SHELTERS = """shelter_id,capacity,lat,lon,features,region
KURSK-1,6,51.73,36.19,wheelchair,KUR
KURSK-2,4,51.70,36.10,,KUR
VORONEZH-1,10,51.67,39.20,,VOR
"""


def run(tmp_path: Path, *extra: str, households: str = HOUSEHOLDS) -> tuple[int, str, str, Path]:
    (tmp_path / "H.csv").write_text(households, encoding="utf-8")
    (tmp_path / "S.csv").write_text(SHELTERS, encoding="utf-8")
    out = tmp_path / "A.csv"
    stdout, stderr = io.StringIO(), io.StringIO()
    argv = [
        "--households",
        str(tmp_path / "H.csv"),
        "--shelters",
        str(tmp_path / "S.csv"),
        "--out",
        str(out),
        *extra,
    ]
    status = main(argv, stdout=stdout, stderr=stderr)
    return status, stdout.getvalue(), stderr.getvalue(), out


def assignments(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [(r["household_id"], r["shelter_id"]) for r in csv.DictReader(f)]


def test_writes_one_row_per_household_in_input_order(tmp_path: Path) -> None:
    status, stdout, stderr, out = run(tmp_path)
    assert (status, stderr) == (0, "")
    rows = assignments(out)
    assert [h for h, _ in rows] == ["H1", "H2", "H3", "H4"]
    placed = dict(rows)
    assert placed["H2"] == "KURSK-1"  # the only wheelchair-accessible shelter
    assert placed["H4"] == ""  # nobody offers a medical post
    assert "placed 9 of 14 persons (3 of 4 households)" in stdout


def test_preferring_a_region_keeps_households_there(tmp_path: Path) -> None:
    households = (
        "household_id,size,origin_lat,origin_lon,needs\nH1,4,51.67,39.0,\nH2,3,51.67,39.1,\n"
    )
    _, _, _, out = run(tmp_path, households=households)
    assert set(dict(assignments(out)).values()) == {"VORONEZH-1"}  # nearest to their homes
    status, _, _, out = run(tmp_path, "--prefer-region", "KUR", households=households)
    assert status == 0
    assert {s for _, s in assignments(out)} <= {"KURSK-1", "KURSK-2"}


def test_quota_file_limits_a_region(tmp_path: Path) -> None:
    (tmp_path / "Q.csv").write_text("region,max_persons\nKUR,3\n", encoding="utf-8")
    status, _, _, out = run(tmp_path, "--quotas", str(tmp_path / "Q.csv"))
    assert status == 0
    sizes = {"H1": 3, "H2": 2, "H3": 4, "H4": 5}
    in_kursk = sum(sizes[h] for h, s in assignments(out) if s.startswith("KURSK"))
    assert in_kursk <= 3


def test_travel_matrix_sends_households_where_minutes_are_short(tmp_path: Path) -> None:
    (tmp_path / "M.csv").write_text(
        "household_id,shelter_id,minutes\nH1,VORONEZH-1,60\nH1,KURSK-2,400\nH3,KURSK-2,90\n",
        encoding="utf-8",
    )
    status, stdout, _, out = run(tmp_path, "--travel-matrix", str(tmp_path / "M.csv"))
    placed = dict(assignments(out))
    assert status == 0
    assert (placed["H1"], placed["H3"], placed["H2"]) == ("VORONEZH-1", "KURSK-2", "")
    assert "person-minutes" in stdout


def test_bad_file_gives_one_line_and_leaves_the_old_output_alone(tmp_path: Path) -> None:
    (tmp_path / "A.csv").write_text("previous plan\n", encoding="utf-8")
    bad = HOUSEHOLDS.replace("H3,4,", "H3,-4,")
    status, stdout, stderr, out = run(tmp_path, households=bad)
    assert status == 1
    assert stdout == ""
    assert stderr == "refuge place: H.csv: row 4, field 'size': -4 is below 1\n"
    assert out.read_text(encoding="utf-8") == "previous plan\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["A.csv", "H.csv", "S.csv"]


def test_missing_file_and_missing_argument_are_one_line_each(tmp_path: Path) -> None:
    stderr = io.StringIO()
    status = main(
        ["--households", str(tmp_path / "nope.csv"), "--shelters", "S.csv", "--out", "A.csv"],
        stderr=stderr,
    )
    assert status == 1
    assert stderr.getvalue().count("\n") == 1 and "nope.csv" in stderr.getvalue()
    stderr = io.StringIO()
    assert main(["--households", "H.csv"], stderr=stderr) == 2
    assert "--shelters" in stderr.getvalue() and stderr.getvalue().count("\n") == 1


def test_unknown_preferred_region_is_refused(tmp_path: Path) -> None:
    status, _, stderr, out = run(tmp_path, "--prefer-region", "KRS")
    assert status == 1
    assert "no shelter is in region 'KRS'" in stderr
    assert not out.exists()
