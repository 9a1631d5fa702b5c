"""Batch deduplication time at 100k and 1M records, and single-record check latency
against an index of 1M registered persons (p50/p95/p99), printed as JSON.

Generation of the synthetic records is not timed; each batch timing covers the whole
`RefugeLinker.dedupe` (normalisation, blocking, training, scoring, clustering). The
single-record figures are wall-clock times of `PersonIndex.check_one` for registrations
not in the index (about half of them duplicates of indexed persons).

    .venv/bin/python bench/linkage_speed.py            # 100k, 1M, 1M index
    .venv/bin/python bench/linkage_speed.py --quick    # 10k, 50k, 50k index (smoke run)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from typing import Any

import numpy as np

from refuge.core.linkage.engine import RefugeLinker
from refuge.core.linkage.features import build_features
from refuge.core.linkage.generator import generate
from refuge.core.linkage.index import PersonIndex


def _peak_rss_gib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)


def batch(records: int, seed: int) -> dict[str, Any]:
    data = generate(records, seed=seed)
    started = time.perf_counter()
    result = RefugeLinker().dedupe(data.records)
    seconds = time.perf_counter() - started
    print(f"batch {records}: {seconds:.1f} s", file=sys.stderr)
    return {
        "records": records,
        "seconds": round(seconds, 1),
        "candidate_pairs": len(result.pairs) if result.pairs is not None else 0,
        "clusters": int(len(np.unique(result.cluster))),
        "peak_rss_gib_so_far": _peak_rss_gib(),
    }


def single(indexed: int, queries: int, seed: int) -> dict[str, Any]:
    data = generate(indexed + queries, seed=seed)
    # Arrivals drawn from the whole population, so about half have a registration
    # in the index already (as at a desk during an evacuation).
    rng = np.random.default_rng(seed)
    arriving_rows = set(rng.choice(len(data.records), size=queries, replace=False).tolist())
    registered = [r for row, r in enumerate(data.records) if row not in arriving_rows]
    arriving = [data.records[row] for row in sorted(arriving_rows)]
    started = time.perf_counter()
    table = build_features(registered)
    result = RefugeLinker().dedupe_table(table)
    assert result.model is not None
    index = PersonIndex(table, result.model)
    build_seconds = time.perf_counter() - started
    print(f"index {indexed}: built in {build_seconds:.1f} s", file=sys.stderr)
    index.check_one(arriving[0])  # warm caches once, as a running desk would be
    latencies: list[float] = []
    found = 0
    for record in arriving:
        t0 = time.perf_counter()
        candidates = index.check_one(record)
        latencies.append((time.perf_counter() - t0) * 1000)
        found += bool(candidates)
    ms = np.array(latencies)
    return {
        "indexed": indexed,
        "queries": len(arriving),
        "queries_with_candidates": found,
        "train_and_build_seconds": round(build_seconds, 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "p99_ms": round(float(np.percentile(ms, 99)), 2),
        "max_ms": round(float(ms.max()), 2),
        "peak_rss_gib_so_far": _peak_rss_gib(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Record linkage speed (JSON on stdout).")
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args(argv)
    sizes = (10_000, 50_000) if args.quick else (100_000, 1_000_000)
    indexed = 50_000 if args.quick else 1_000_000
    queries = 200 if args.quick else args.queries
    report: dict[str, Any] = {
        "benchmark": "linkage_speed",
        "cpus": os.cpu_count(),
        "quick": args.quick,
        "batch": [batch(size, args.seed) for size in sizes],
        "single_record": single(indexed, queries, args.seed + 1),
    }
    json.dump(report, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
