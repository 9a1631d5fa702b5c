"""Placement quality and speed against the relaxation bound and first-come-first-served.

    .venv/bin/python bench/placement.py            # the figures in docs/PERFORMANCE.md
    .venv/bin/python bench/placement.py --quick    # small smoke run

Each instance runs in its own process so that its peak memory (ru_maxrss) is its own.
Prints one JSON document on stdout.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from typing import Any

from refuge.core.placement import (
    Options,
    place,
    place_first_come_first_served,
    relax,
)
from refuge.core.placement.synthetic import evacuation

# name: (households, shelters, capacity ratio, seed)
FULL = {
    "4k-600-cap1.05-seed1": (4_000, 600, 1.05, 1),
    "4k-600-cap1.05-seed2": (4_000, 600, 1.05, 2),
    "4k-600-cap1.05-seed3": (4_000, 600, 1.05, 3),
    "4k-600-cap1.25-seed1": (4_000, 600, 1.25, 1),
    "4k-600-cap1.25-seed2": (4_000, 600, 1.25, 2),
    "4k-600-cap1.25-seed3": (4_000, 600, 1.25, 3),
    "250k-5000-cap1.05": (250_000, 5_000, 1.05, 1),
    "390k-5000-cap1.05-1M-persons": (390_000, 5_000, 1.05, 1),
}
QUICK = {
    "400-60-cap1.05": (400, 60, 1.05, 1),
    "400-60-cap1.25": (400, 60, 1.25, 1),
}


def run_instance(households: int, shelters: int, ratio: float, seed: int) -> dict[str, Any]:
    evacuees, places = evacuation(households, shelters, ratio, seed)
    started = time.perf_counter()
    bound = relax(evacuees, places)
    bound_seconds = time.perf_counter() - started
    started = time.perf_counter()
    plan = place(evacuees, places, Options())
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    baseline = place_first_come_first_served(evacuees, places)
    baseline_seconds = time.perf_counter() - started

    def figures(stats: Any, took: float) -> dict[str, Any]:
        return {
            "placed_persons": stats.placed_persons,
            "placed_households": stats.placed_households,
            "person_km": round(stats.person_km, 1),
            "gap_to_bound_pct": round(100 * (stats.person_km / bound.person_cost - 1), 4),
            "persons_short_of_bound": bound.max_persons - stats.placed_persons,
            "seconds": round(took, 3),
            "method": stats.method,
        }

    return {
        "households": households,
        "shelters": shelters,
        "persons": plan.stats.persons,
        "capacity": sum(s.capacity for s in places),
        "seed": seed,
        "lp_bound": {
            "max_persons": bound.max_persons,
            "person_km": round(bound.person_cost, 1),
            "seconds": round(bound_seconds, 3),
        },
        "placement": figures(plan.stats, seconds),
        "first_come_first_served": figures(baseline.stats, baseline_seconds),
        "peak_memory_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="two small instances only")
    parser.add_argument("--only", help="run this one instance in this process")
    args = parser.parse_args()
    instances = QUICK if args.quick else FULL
    if args.only:
        print(json.dumps(run_instance(*{**FULL, **QUICK}[args.only])))
        return
    results = {}
    for name in instances:
        child = subprocess.run(
            [sys.executable, __file__, "--only", name], capture_output=True, text=True, check=True
        )
        results[name] = json.loads(child.stdout)
    report = {
        "bench": "placement",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "instances": results,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
