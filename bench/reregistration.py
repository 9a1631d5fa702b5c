"""Kursk-2024 with families registered twice: does `refuge tracing scan` find them? JSON.

    .venv/bin/python bench/reregistration.py [--scale 1] [--reregistered 0.02] [--seed 2024]

Loads the scenario into a fresh SQLite database with `--reregistered` (a share of the
households registered again, hours to days later at another reception point, typed with
the linkage generator's corruptions at a desk's rates), runs `refuge tracing scan`, and
counts against the truth the second registrations carry (refuge.scenario.duplicates):
the share of re-registered persons queued (or merged) with their first registration,
the queue's pairs per true duplicate, and the share of its pairs that join two members
of one household. Targets (issue 15): >= 0.97, <= 3, <= 0.01.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date


def refuge(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "refuge", *args], check=True, capture_output=True)
    return round(time.perf_counter() - started, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--reregistered", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=2024)
    opts = parser.parse_args()
    os.environ["REFUGE_DATA_DIR"] = tempfile.mkdtemp(prefix="refuge-bench-rereg-")
    os.environ.pop("DATABASE_URL", None)
    refuge("migrate", "--verbosity", "0")
    load = refuge(
        "scenario", "load", "kursk-2024", "--scale", str(opts.scale),
        "--seed", str(opts.seed), "--reregistered", str(opts.reregistered),
    )  # fmt: skip
    scan = refuge("tracing", "scan")
    os.environ["DJANGO_SETTINGS_MODULE"] = "refuge.settings"
    import django

    django.setup()
    from refuge.operations.models import Operation
    from refuge.registry.models import Person
    from refuge.scenario.duplicates import queue_figures

    operation = Operation.objects.get()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    print(
        json.dumps(
            {
                "bench": "reregistration",
                "date": date.today().isoformat(),
                "commit": commit,
                "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
                "database": "sqlite",
                "scale": opts.scale,
                "reregistered_share": opts.reregistered,
                "persons": Person.objects.count(),
                "load_seconds": load,
                "scan_seconds": scan,
                **queue_figures(operation).as_json(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
