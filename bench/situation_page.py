"""The situation report page ("/", the coordinators' first page) on a loaded scenario;
print JSON.

    .venv/bin/python bench/situation_page.py [--scale 10] [--keep-db NAME] [--gets 5]

Loads kursk-2024 at `--scale` into the kept PostgreSQL database NAME (default
refuge_bench_api_s<scale>; reused without loading again when it already holds the
scenario, as bench/api_feed.py keeps it), then, in-process through Django's test client
signed in as a national coordinator, times `--gets` requests of the page and of
`/?as_of=` a day earlier, with each request's query count and its slowest queries. The
first request of a new process is shown alone (it imports the views).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from scratchdb import is_loaded, pg_execute, scratch_env  # noqa: E402


def ms(x: float) -> float:
    return round(x * 1000, 1)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--scale", default="1")
    p.add_argument("--keep-db", default="", metavar="NAME")
    p.add_argument("--gets", type=int, default=5)
    a = p.parse_args()
    keep = a.keep_db or f"refuge_bench_api_s{a.scale}".replace(".", "_")
    out: dict[str, Any] = {"bench": "situation_page", "scale": a.scale, "kept_database": keep}
    with scratch_env("postgres", keep=keep) as (env, _):
        run = [sys.executable, "-m", "refuge"]
        subprocess.run([*run, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
        if not is_loaded(keep):
            t = time.perf_counter()
            subprocess.run([*run, "scenario", "load", "kursk-2024", "--scale", a.scale],
                           env=env, check=True, cwd=ROOT)  # fmt: skip
            out["scenario_load_s"] = round(time.perf_counter() - t, 1)
            pg_execute("VACUUM (ANALYZE)", keep)
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refuge.settings")
        try:
            measure(a, out)
        finally:
            out["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                           capture_output=True, text=True).stdout.strip()  # fmt: skip
            out["machine"] = f"{platform.machine()}, {os.cpu_count()} cores"
            out["load_average"] = [round(x, 2) for x in os.getloadavg()]
            print(json.dumps(out, indent=2, ensure_ascii=False))


def measure(a: argparse.Namespace, out: dict[str, Any]) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from refuge.accounts.actions import do_create_account
    from refuge.accounts.models import Role
    from refuge.movements.models import Movement
    from refuge.operations.models import Operation

    operation = Operation.objects.order_by("pk").first()
    user = do_create_account(username="bench-situation", password="bench password 2026",
                             operation=operation, role=Role.NATIONAL_COORDINATOR)  # fmt: skip
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    out["ledger_events"] = Movement.objects.count()
    last = Movement.objects.order_by("-at").values_list("at", flat=True).first()
    day_before = (last - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")  # the form's format
    for name, url in (("now", "/"), ("a_day_earlier", f"/?as_of={day_before}")):
        times, queries = [], []
        for _ in range(a.gets + (1 if name == "now" else 0)):
            with CaptureQueriesContext(connection) as captured:
                t = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - t)
            assert response.status_code == 200, (url, response.status_code)
            queries = captured.captured_queries
        if name == "now":
            out["first_request_ms"] = ms(times.pop(0))
        slowest = sorted(queries, key=lambda q: -float(q["time"]))[:3]
        out[name] = {
            "url": url, "requests": len(times), "median_ms": ms(statistics.median(times)),
            "max_ms": ms(max(times)), "queries": len(queries),
            "slowest_queries": [(float(q["time"]), q["sql"][:160]) for q in slowest],
        }  # fmt: skip


if __name__ == "__main__":
    main()
