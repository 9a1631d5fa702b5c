"""Time `refuge scenario load kursk-2024` into a fresh database; print JSON.

    .venv/bin/python bench/scenario_load.py [--scale 1] [--database sqlite|postgres]

The database is created for the run and dropped afterwards. The figure is wall time
of the load command as a whole process (migrations excluded), with its peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import date

from scratchdb import scratch_env


def run(args: list[str], env: dict[str, str]) -> str:
    return subprocess.run(
        [sys.executable, "-m", "refuge", *args], env=env, check=True, capture_output=True, text=True
    ).stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    opts = parser.parse_args()
    with scratch_env(opts.database) as (env, tmp):
        run(["migrate", "--verbosity", "0"], env)
        started = time.perf_counter()
        run(
            [
                "scenario",
                "load",
                "kursk-2024",
                "--scale",
                str(opts.scale),
                "--seed",
                str(opts.seed),
            ],
            env,
        )
        seconds = time.perf_counter() - started
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        report = json.loads(
            run(["sitrep", "--as-of", "2024-08-19T08:00+03:00", "--format", "json"], env)
        )
    print(
        json.dumps(
            {
                "bench": "scenario_load",
                "date": date.today().isoformat(),
                "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
                "database": opts.database,
                "scale": opts.scale,
                "seconds": round(seconds, 1),
                "peak_rss_mb": round(peak_kb / 1024),
                "relocated_total": report["evacuation"]["relocated_total"],
                "sheltered": report["shelters"]["affected_region"]["occupants"]
                + report["shelters"]["other_regions"]["occupants"],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
