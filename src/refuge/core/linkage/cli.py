"""`refuge dedupe INPUT.csv --out CLUSTERS.csv [--pairs PAIRS.csv]` as a pure function."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from refuge.core.linkage.csvio import InputError, read_records, write_clusters, write_pairs
from refuge.core.linkage.engine import AUTO_MERGE_PROBABILITY, REVIEW_PROBABILITY, RefugeLinker


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
    p.add_argument("--review-at", type=_probability, default=REVIEW_PROBABILITY,
                   help="match probability from which pairs are written for review")  # fmt: skip
    return p


def run(argv: Sequence[str], out: TextIO) -> None:
    """Run the command; raises UsageError or InputError with a one-line message."""
    args = parser().parse_args(list(argv))
    if args.review_at > args.merge_at:
        raise UsageError("--review-at must not be above --merge-at")
    records = read_records(args.input)
    result = RefugeLinker(merge_at=args.merge_at, review_at=args.review_at).dedupe(records)
    cluster_ids = result.cluster_ids()
    write_clusters(args.out, [r.record_id for r in records], cluster_ids)
    pairs = result.scored_pairs(min_probability=args.review_at)
    if args.pairs:
        write_pairs(args.pairs, pairs)
    merged = sum(1 for p in pairs if p.decision.value == "merge")
    print(
        f"{len(records)} records, {len(set(cluster_ids))} clusters, {merged} pairs merged, "
        f"{len(pairs) - merged} for review",
        file=out,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Exit status: 0 done, 1 bad input or output path, 2 bad arguments."""
    try:
        run(sys.argv[1:] if argv is None else argv, sys.stdout)
    except UsageError as exc:
        print(f"refuge dedupe: {exc}", file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"refuge dedupe: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"refuge dedupe: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
