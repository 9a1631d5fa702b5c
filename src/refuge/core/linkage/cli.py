"""`refuge dedupe` and `refuge link` as pure functions.

refuge dedupe INPUT.csv --out CLUSTERS.csv [--pairs PAIRS.csv] [--strict] [--engine spark]
refuge link LEFT.csv RIGHT.csv --out LINKS.csv [--one-to-one] [--strict] [--engine spark]

`--engine duckdb` (the default) runs in this process; `--engine spark [--master URL]` runs
the same steps on Apache Spark (refuge.core.linkage.spark_engine, docs/LINKAGE.md).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO, TypeVar

from refuge.core.linkage.csvio import (
    InputError,
    read_input,
    write_clusters,
    write_links,
    write_pairs,
)
from refuge.core.linkage.engine import (
    AUTO_MERGE_PROBABILITY,
    BATCH_REVIEW_PROBABILITY,
    RefugeLinker,
    link,
)
from refuge.core.linkage.records import PersonRecord
from refuge.core.linkage.spark_engine import DEFAULT_MASTER, SparkLinker, SparkUnavailable

ENGINES = ("duckdb", "spark")
T = TypeVar("T")


class UsageError(Exception):
    """Wrong command-line arguments, in one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not a probability between 0 and 1")
    return value


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="refuge dedupe",
        description="Find registrations of the same person and group them into clusters.",
    )
    p.add_argument("input", type=Path, help="CSV with id and name columns (see docs/LINKAGE.md)")
    p.add_argument("--out", type=Path, required=True, help="write id,cluster_id here")
    p.add_argument("--pairs", type=Path, help="also write scored pairs with reasons here")
    p.add_argument("--merge-at", type=_probability, default=AUTO_MERGE_PROBABILITY,
                   help="match probability from which pairs merge automatically")  # fmt: skip
    p.add_argument("--review-at", type=_probability, default=BATCH_REVIEW_PROBABILITY,
                   help="match probability from which pairs are written for review")  # fmt: skip
    _strict(p)
    _engine(p)
    return p


def _engine(p: argparse.ArgumentParser) -> None:
    p.add_argument("--engine", choices=ENGINES, default="duckdb",
                   help="duckdb: this process (default); spark: Apache Spark (pip install "
                        "'refuge[spark]', Java 17)")  # fmt: skip
    p.add_argument("--master", metavar="URL",
                   help=f"Spark master for --engine spark, e.g. spark://host:7077 or yarn "
                        f"(default {DEFAULT_MASTER})")  # fmt: skip
    p.add_argument("--driver-memory", metavar="SIZE", default="2g",
                   help="memory of the Spark driver JVM for --engine spark (default 2g)")  # fmt: skip


def _linker(args: argparse.Namespace, merge_at: float, review_at: float) -> RefugeLinker:
    """The engine the arguments ask for (pyspark is imported only when Spark starts)."""
    if args.engine != "spark":
        if args.master:
            raise UsageError("--master needs --engine spark")
        return RefugeLinker(merge_at=merge_at, review_at=review_at)
    return SparkLinker(
        merge_at=merge_at,
        review_at=review_at,
        master=args.master or DEFAULT_MASTER,
        driver_memory=args.driver_memory,
    )


def _stop(linker: RefugeLinker) -> None:
    if isinstance(linker, SparkLinker):
        linker.close()


def _strict(p: argparse.ArgumentParser) -> None:
    p.add_argument("--strict", action="store_true",
                   help="refuse a file with dirty values (a birth date no calendar has, a phone "
                        "with letters, a name in two scripts) instead of comparing them as typed")  # fmt: skip


def link_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="refuge link",
        description="Find each LEFT record's registration in RIGHT, or none.",
    )
    p.add_argument("left", type=Path, help="CSV with id and name columns (see docs/LINKAGE.md)")
    p.add_argument("right", type=Path, help="CSV in the same format, e.g. the registry")
    p.add_argument("--out", type=Path, required=True,
                   help="write left_id,right_id,match_probability,reasons here")  # fmt: skip
    p.add_argument("--one-to-one", action="store_true",
                   help="use each RIGHT record for at most one LEFT record")  # fmt: skip
    p.add_argument("--merge-at", type=_probability, default=AUTO_MERGE_PROBABILITY,
                   help="match probability from which a pair is a match")  # fmt: skip
    _strict(p)
    _engine(p)
    return p


def _read(path: Path, strict: bool, err: TextIO) -> list[PersonRecord]:
    """Records of one file; dirty values kept as typed are reported on `err`, one line each."""
    found = read_input(path, strict=strict)
    for line in found.dirty.lines(path):
        err.write(line + "\n")
    return found.records


def run(argv: Sequence[str], out: TextIO, err: TextIO | None = None) -> None:
    """Run `dedupe`; raises UsageError or InputError with a one-line message."""
    args = parser().parse_args(list(argv))
    if args.review_at > args.merge_at:
        raise UsageError("--review-at must not be above --merge-at")
    records = _read(args.input, args.strict, err or sys.stderr)
    linker = _linker(args, args.merge_at, args.review_at)
    try:
        result = _unavailable_is_usage(linker.dedupe, records)
    finally:
        _stop(linker)
    cluster_ids = result.cluster_ids()
    write_clusters(args.out, [r.record_id for r in records], cluster_ids)
    # What the queue holds: a contradicted pair whose own fields say little is left out.
    pairs = [
        p for p in result.scored_pairs(min_probability=args.review_at) if p.decision != "distinct"
    ]
    if args.pairs:
        write_pairs(args.pairs, pairs)
    merged = sum(1 for p in pairs if p.decision.value == "merge")
    # write, not print: Django's OutputWrapper adds the line ending itself.
    out.write(
        f"{len(records)} records, {len(set(cluster_ids))} clusters, {merged} pairs merged, "
        f"{len(pairs) - merged} for review\n"
    )


def run_link(argv: Sequence[str], out: TextIO, err: TextIO | None = None) -> None:
    """Run `link`; raises UsageError or InputError with a one-line message."""
    args = link_parser().parse_args(list(argv))
    left = _read(args.left, args.strict, err or sys.stderr)
    right = _read(args.right, args.strict, err or sys.stderr)
    linker = _linker(args, args.merge_at, BATCH_REVIEW_PROBABILITY)
    try:
        links = _unavailable_is_usage(lambda: link(linker, left, right, one_to_one=args.one_to_one))
    finally:
        _stop(linker)
    write_links(args.out, links)
    matched = sum(1 for item in links if item.right_id)
    out.write(
        f"{len(left)} left records, {len(right)} right records, {matched} matched, "
        f"{len(left) - matched} without a match\n"
    )


def _unavailable_is_usage(work: Callable[..., T], *args: Any) -> T:
    """Spark missing (no pyspark, no Java, no master) is said as a usage error, in one line."""
    try:
        return work(*args)
    except SparkUnavailable as exc:
        raise UsageError(str(exc)) from exc


def main(argv: Sequence[str] | None = None, command: str = "dedupe") -> int:
    """Exit status: 0 done, 1 bad input or output path, 2 bad arguments."""
    runner = run_link if command == "link" else run
    try:
        runner(sys.argv[1:] if argv is None else argv, sys.stdout, sys.stderr)
    except UsageError as exc:
        print(f"refuge {command}: {exc}", file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"refuge {command}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"refuge {command}: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
