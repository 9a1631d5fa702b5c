"""`refuge place`: households and shelters in, one shelter per household out.

A pure function of its arguments and files: the Django management command only delegates
here, and the tests call it directly with temporary files.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from refuge.core.placement.csvio import (
    InputFileError,
    read_households,
    read_quotas,
    read_shelters,
    read_travel_matrix,
    write_assignments,
)
from refuge.core.placement.model import Options, Placement
from refuge.core.placement.solver import place


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser(prog: str = "refuge place") -> argparse.ArgumentParser:
    parser = _Parser(prog=prog, description="Place evacuated households into shelters.")
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--households", required=True, type=Path, help="H.csv")
    parser.add_argument("--shelters", required=True, type=Path, help="S.csv")
    parser.add_argument("--out", required=True, type=Path, help="A.csv to write")
    parser.add_argument("--travel-matrix", type=Path, help="household_id,shelter_id,minutes")
    parser.add_argument("--prefer-region", help="region code to keep persons in when possible")
    parser.add_argument("--quotas", type=Path, help="region,max_persons")
    parser.add_argument("--time-limit", type=float, default=1.0, help="seconds for polishing")


def run_place(
    households: Path,
    shelters: Path,
    out: Path,
    travel_matrix: Path | None = None,
    prefer_region: str | None = None,
    quotas: Path | None = None,
    time_limit: float = 1.0,
) -> Placement:
    """Read, place, write; raises InputFileError (nothing written) on a bad file."""
    evacuees = read_households(households)
    places = read_shelters(shelters)
    if prefer_region and not any(s.region == prefer_region for s in places):
        raise InputFileError(shelters, 1, "region", f"no shelter is in region '{prefer_region}'")
    options = Options(
        travel_cost=read_travel_matrix(travel_matrix, evacuees, places) if travel_matrix else None,
        prefer_region=prefer_region or None,
        quotas=read_quotas(quotas, places) if quotas else {},
        time_limit_s=time_limit,
    )
    if not out.parent.is_dir():
        raise InputFileError(out, 0, None, f"folder {out.parent} does not exist")
    placement = place(evacuees, places, options)
    write_assignments(out, evacuees, placement)
    return placement


def summary(placement: Placement) -> str:
    s = placement.stats
    line = (
        f"placed {s.placed_persons:,} of {s.persons:,} persons "
        f"({s.placed_households:,} of {s.households:,} households); "
        f"{s.person_km:,.0f} person-km"
    )
    if s.person_cost != s.person_km:
        line += f", {s.person_cost:,.0f} person-minutes"
    return line


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        args = build_parser().parse_args(argv)
        placement = run_place(
            args.households,
            args.shelters,
            args.out,
            args.travel_matrix,
            args.prefer_region,
            args.quotas,
            args.time_limit,
        )
    except UsageError as problem:
        print(f"refuge place: {problem}", file=stderr)
        return 2
    except InputFileError as problem:
        print(f"refuge place: {problem}", file=stderr)
        return 1
    except OSError as problem:  # the output cannot be written (permissions, disk full)
        print(f"refuge place: {problem.filename or ''}: {problem.strerror}", file=stderr)
        return 1
    print(summary(placement), file=stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
