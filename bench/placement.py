"""Placement quality and speed against the relaxation bound and first-come-first-served.

    .venv/bin/python bench/placement.py            # the figures in docs/PERFORMANCE.md
    .venv/bin/python bench/placement.py --quick    # small smoke run
    .venv/bin/python bench/placement.py --distinct # every household at its own address:
                                                   # sparse relaxation beside the dense one
    .venv/bin/python bench/placement.py --whole-command  # `refuge place`, 4,000 x 600, end to
                                                   # end, fast path beside the Django path
    .venv/bin/python bench/placement.py --national national-250k-5000
                                                   # every household at its own address:
                                                   # `refuge place` end to end (CSV in, CSV
                                                   # out), its bound, first come first served

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
# Every household at its own address (no two origins alike): the sparse relaxation, with the
# dense one beside it where its every-arc network stays under DENSE_ARC_LIMIT arcs.
DISTINCT = {
    "distinct-4k-600-cap1.05": (4_000, 600, 1.05, 1),
    "distinct-20k-1000-cap1.05": (20_000, 1_000, 1.05, 1),
    "distinct-250k-5000-cap1.05": (250_000, 5_000, 1.05, 1),
    "distinct-1M-20000-cap1.05": (1_000_000, 20_000, 1.05, 1),
}
DENSE_ARC_LIMIT = 25_000_000
# `refuge place` end to end with distinct origins (issue #11): one instance per run
NATIONAL = {
    "national-20k-1000": (20_000, 1_000, 1.05, 1),
    "national-250k-5000": (250_000, 5_000, 1.05, 1),
    "national-1M-20000": (1_000_000, 20_000, 1.05, 1),
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


def run_distinct(households: int, shelters: int, ratio: float, seed: int) -> dict[str, Any]:
    from refuge.core.placement.sparse import (
        build_sparse_instance,
        every_arc,
        solve_dense_relaxation,
        solve_sparse_relaxation,
    )

    evacuees, places = evacuation(households, shelters, ratio, seed, distinct_origins=True)
    started, cpu = time.perf_counter(), time.process_time()
    inst = build_sparse_instance(evacuees, places, Options())
    sparse = solve_sparse_relaxation(inst)
    out: dict[str, Any] = {
        "households": households,
        "shelters": shelters,
        "origin_groups": inst.n_groups,
        "persons": int(inst.size.sum()),
        "sparse_relaxation": {
            "max_persons": sparse.max_persons,
            "person_km": round(sparse.person_cost, 1),
            "arcs": sparse.arcs,
            "pricing_rounds": sparse.pricing_rounds,
            "priced_arcs": sparse.priced_arcs,
            "seconds": round(time.perf_counter() - started, 2),
            "cpu_seconds": round(time.process_time() - cpu, 2),
            "peak_memory_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        },
    }
    dense_arcs = int(every_arc(inst)[0].shape[0]) if inst.n_groups * shelters < 10**9 else -1
    if 0 <= dense_arcs <= DENSE_ARC_LIMIT:
        started, cpu = time.perf_counter(), time.process_time()
        dense = solve_dense_relaxation(inst)
        out["dense_relaxation"] = {
            "max_persons": dense.max_persons,
            "person_km": round(dense.person_cost, 1),
            "arcs": dense.arcs,
            "seconds": round(time.perf_counter() - started, 2),
            "cpu_seconds": round(time.process_time() - cpu, 2),
            "peak_memory_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
    else:
        out["dense_relaxation"] = f"not run: {inst.n_groups:,} x {shelters:,} pairs"
    return out


def run_national(
    households: int, shelters: int, ratio: float, seed: int, first_come: bool = True
) -> dict[str, Any]:
    """`refuge place` on CSV files as a user runs it (run_place: read, place, write), then
    the bound of the same households and first come, first served, in this one process.
    Peak memory is taken after the command, before the other two."""
    import gc
    import tempfile
    from pathlib import Path

    from refuge.core.placement.cli import run_place, summary
    from refuge.core.placement.csvio import read_households, read_shelters
    from refuge.core.placement.national import national_bound

    evacuees, places = evacuation(households, shelters, ratio, seed, distinct_origins=True)
    folder = Path(tempfile.mkdtemp(prefix="refuge-national-"))
    _write_csv(folder, evacuees, places)
    persons = sum(h.size for h in evacuees)
    del evacuees, places
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load_before = [round(x, 2) for x in __import__("os").getloadavg()]
    started, cpu = time.perf_counter(), time.process_time()
    plan = run_place(folder / "H.csv", folder / "S.csv", folder / "A.csv")
    took, took_cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    line = summary(plan)
    stats = plan.stats
    del plan
    gc.collect()
    evacuees, places = read_households(folder / "H.csv"), read_shelters(folder / "S.csv")
    started, cpu = time.perf_counter(), time.process_time()
    bound = national_bound(evacuees, places)
    bound_took, bound_cpu = time.perf_counter() - started, time.process_time() - cpu
    baseline, base_took, base_cpu = None, 0.0, 0.0
    if first_come:
        started, cpu = time.perf_counter(), time.process_time()
        baseline = place_first_come_first_served(evacuees, places).stats
        base_took, base_cpu = time.perf_counter() - started, time.process_time() - cpu

    def gap(km: float) -> float:
        return round(100 * (km / bound.person_km - 1), 4)

    return {
        "households": households,
        "shelters": shelters,
        "persons": persons,
        "distinct_origins": len({(h.origin_lat, h.origin_lon) for h in evacuees}),
        "refuge_place": {
            "summary": line,
            "method": stats.method,
            "placed_persons": stats.placed_persons,
            "person_km": round(stats.person_km, 1),
            "gap_to_bound_pct": gap(stats.person_km),
            "persons_short_of_bound": bound.max_persons - stats.placed_persons,
            "wall_seconds": round(took, 1),
            "cpu_seconds": round(took_cpu, 1),
            "peak_rss_mib": round(peak),
            "rss_before_mib": round(before),
        },
        "bound": {
            "max_persons": bound.max_persons,
            "person_km": round(bound.person_km, 1),
            "coarse_cells": bound.coarse_cells,
            "coarse_arcs": bound.coarse_arcs,
            "wall_seconds": round(bound_took, 1),
            "cpu_seconds": round(bound_cpu, 1),
        },
        "first_come_first_served": "not run (--no-first-come)"
        if baseline is None
        else {
            "placed_persons": baseline.placed_persons,
            "person_km": round(baseline.person_km, 1),
            "gap_to_bound_pct": gap(baseline.person_km),
            "persons_short_of_bound": bound.max_persons - baseline.placed_persons,
            "wall_seconds": round(base_took, 1),
            "cpu_seconds": round(base_cpu, 1),
        },
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_average": [round(x, 2) for x in __import__("os").getloadavg()],
        "load_average_before": load_before,
    }


def _write_csv(folder: Any, evacuees: Any, places: Any) -> None:
    import csv

    with (folder / "H.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["household_id", "size", "origin_lat", "origin_lon", "needs"])
        for h in evacuees:
            w.writerow([h.household_id, h.size, h.origin_lat, h.origin_lon, ";".join(h.needs)])
    with (folder / "S.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["shelter_id", "capacity", "lat", "lon", "features", "region"])
        for s in places:
            w.writerow([s.shelter_id, s.capacity, s.lat, s.lon, ";".join(s.features), s.region])


def run_whole_command(households: int, shelters: int, ratio: float, seed: int) -> dict[str, Any]:
    """`refuge place` as a user runs it, through the fast path and through Django."""
    import csv
    import os
    import tempfile
    from pathlib import Path

    evacuees, places = evacuation(households, shelters, ratio, seed)
    folder = Path(tempfile.mkdtemp(prefix="refuge-bench-"))
    with (folder / "H.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["household_id", "size", "origin_lat", "origin_lon", "needs"])
        for h in evacuees:
            w.writerow([h.household_id, h.size, h.origin_lat, h.origin_lon, ";".join(h.needs)])
    with (folder / "S.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["shelter_id", "capacity", "lat", "lon", "features", "region"])
        for s in places:
            w.writerow([s.shelter_id, s.capacity, s.lat, s.lon, ";".join(s.features), s.region])
    argv = ["place", "--households", "H.csv", "--shelters", "S.csv", "--out", "A.csv"]
    refuge = str(Path(sys.executable).with_name("refuge"))
    django = [sys.executable, "-c", "import sys; from django.core.management import "
              "execute_from_command_line as e; e(['refuge', *sys.argv[1:]])"]  # fmt: skip
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "refuge.settings"}
    out: dict[str, Any] = {"households": households, "shelters": shelters}
    for name, command in (("refuge_place", [refuge]), ("through_django", django)):
        started = time.perf_counter()
        done = subprocess.run(
            [*command, *argv], cwd=folder, env=env, capture_output=True, text=True
        )
        out[name] = {
            "seconds": round(time.perf_counter() - started, 2),
            "stdout": done.stdout.strip(),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="two small instances only")
    parser.add_argument("--only", help="run this one instance in this process")
    parser.add_argument("--distinct", action="store_true", help="distinct-origin instances")
    parser.add_argument("--whole-command", action="store_true", help="time `refuge place`")
    parser.add_argument("--national", choices=sorted(NATIONAL), help="distinct origins, end to end")
    parser.add_argument(
        "--no-first-come", action="store_true", help="with --national: skip the desk rule"
    )
    args = parser.parse_args()
    instances = QUICK if args.quick else DISTINCT if args.distinct else FULL
    if args.national:
        print(
            json.dumps(
                run_national(*NATIONAL[args.national], first_come=not args.no_first_come),
                indent=2,
            )
        )
        return
    if args.whole_command:
        print(json.dumps(run_whole_command(4_000, 600, 1.05, 1), indent=2))
        return
    if args.only:
        run = run_distinct if args.only in DISTINCT else run_instance
        print(json.dumps(run(*{**FULL, **QUICK, **DISTINCT}[args.only])))
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
