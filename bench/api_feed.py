"""The partners' API under the scenario's ledger; print JSON.

    .venv/bin/python bench/api_feed.py [--scale 10] [--database sqlite|postgres] [--shelter-gets 200]

Loads kursk-2024 at `--scale` into a throwaway database (bench/scratchdb.py), gives a
national coordinator a token, then in-process (Django's test client, no network):
pages through the whole ledger feed by cursor, 1,000 events a page, timing each page;
and times GET /api/v1/shelters/?page_size=1000 (every shelter with occupancy).
Issue #14's budget: p95 < 100 ms a ledger page, p95 < 50 ms for the shelters at scale 10
on PostgreSQL.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from scratchdb import scratch_env  # noqa: E402


def p95(xs: list[float]) -> float:
    return round(statistics.quantiles(xs, n=20)[-1] * 1000, 1) if len(xs) > 1 else 0.0


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--scale", default="10")
    p.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    p.add_argument("--shelter-gets", type=int, default=200)
    a = p.parse_args()
    refuge = str(ROOT / ".venv/bin/refuge")
    with scratch_env(a.database) as (env, _):
        subprocess.run([refuge, "migrate"], env=env, check=True, capture_output=True)
        t0 = time.perf_counter()
        subprocess.run([refuge, "scenario", "load", "kursk-2024", "--scale", a.scale],
                       env=env, check=True, capture_output=True)  # fmt: skip
        load_s = time.perf_counter() - t0
        os.environ.update(env)
        os.environ["REFUGE_API_RATE_PER_MINUTE"] = "100000000"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refuge.settings")
        import django

        django.setup()
        from django.test import Client

        from refuge.accounts.actions import do_create_account
        from refuge.accounts.models import Role
        from refuge.accounts.scope import Actor
        from refuge.api.actions import do_create_token
        from refuge.operations.models import Operation

        user = do_create_account(username="bench-api", password="bench password 2026",
                                 operation=Operation.objects.first(),
                                 role=Role.NATIONAL_COORDINATOR)  # fmt: skip
        _, secret = do_create_token(actor=Actor(user=user, membership=None), owner=user)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", SERVER_NAME="localhost")
        pages, events, url = [], 0, "/api/v1/ledger/?page_size=1000"
        while url:
            t = time.perf_counter()
            body = client.get(url).json()
            pages.append(time.perf_counter() - t)
            events += len(body["results"])
            url = body["next"]
        shelters = []
        for _ in range(a.shelter_gets):
            t = time.perf_counter()
            rows = client.get("/api/v1/shelters/?page_size=1000").json()["results"]
            shelters.append(time.perf_counter() - t)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    print(json.dumps({
        "bench": "api_feed", "commit": commit, "database": a.database, "scale": a.scale,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)",
        "scenario_load_s": round(load_s, 1), "ledger_events": events,
        "ledger_pages": len(pages), "ledger_page_p95_ms": p95(pages),
        "ledger_page_median_ms": round(statistics.median(pages) * 1000, 1),
        "shelters": len(rows), "shelters_get_p95_ms": p95(shelters),
        "shelters_get_median_ms": round(statistics.median(shelters) * 1000, 1),
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
