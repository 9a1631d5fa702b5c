"""Importing a KoboToolbox XLSX export: households per second and the import's peak RSS.

    .venv/bin/python bench/import_households.py [--households 500] [--database sqlite|postgres]

A scratch database gets the gazetteer, the Kursk-2024 operation and one reception
point; a Kobo-shaped export of `--households` submissions (one to seven members, the
test generator's Cyrillic families) is written, then `refuge import kobo FILE --apply`
runs in its own process and is timed from start to exit (reading, the dry-run check,
the desk's duplicate check per household, registration, blocking keys, ledger events).
Peak RSS is that process's own (wait4). Prints JSON.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from scratchdb import scratch_env  # noqa: E402

SETUP = """
import json
from refuge.geo.gazetteer import load_kursk_oblast, load_regions
from refuge.operations.selectors import coverage_start
from refuge.registry.models import ReceptionPoint
from refuge.scenario.kursk2024 import _operation
load_regions(); load_kursk_oblast(); op = _operation()
point = ReceptionPoint.objects.create(operation=op, name="Курск, вокзал",
                                      region=op.affected_region, lat=51.74, lon=36.19)
print(json.dumps({"point": point.pk, "origins": sorted(coverage_start(op))[:30]}))
"""


def refuge(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "refuge", *args], env=env, capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--households", type=int, default=500)
    p.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = p.parse_args()
    from refuge.fielddata.tests import exportfiles

    with scratch_env(args.database) as (env, tmp):
        refuge(env, "migrate", "--verbosity", "0")
        setup = json.loads(refuge(env, "shell", "-v", "0", "-c", SETUP))
        rows = exportfiles.households(
            args.households, [f"s{pk}" for pk in setup["origins"]], f"p{setup['point']}"
        )
        export = exportfiles.kobo_xlsx(Path(tempfile.mkdtemp(dir=tmp)) / "kobo.xlsx", rows)
        start = time.perf_counter()
        worker = subprocess.Popen(
            [sys.executable, "-m", "refuge", "import", "kobo", str(export), "--apply"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _, status, usage = os.wait4(worker.pid, 0)
        seconds = time.perf_counter() - start
        assert status == 0, status
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    print(
        json.dumps(
            {
                "bench": "import_households",
                "database": args.database,
                "households": args.households,
                "persons": sum(len(h.members) for h in rows),
                "seconds": round(seconds, 2),
                "households_per_s": round(args.households / seconds, 1),
                "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)",
                "commit": commit,
            }
        )
    )


if __name__ == "__main__":
    main()
