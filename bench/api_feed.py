"""The partners' API under the scenario's ledger; print JSON.

    .venv/bin/python bench/api_feed.py [--scale 10] [--database sqlite|postgres]
        [--shelter-gets 200] [--keep-db [NAME]] [--feed-pages N] [--no-households-csv]

Loads kursk-2024 at `--scale` into a throwaway database (bench/scratchdb.py) — or, with
--keep-db, into the PostgreSQL database NAME (default refuge_bench_api_s<scale>), kept
afterwards and reused without loading again when it already holds the scenario (migrated
up to date, then VACUUM ANALYZE as autovacuum would do after a bulk load: the test server
runs with autovacuum off). Then gives a national coordinator a token and, in-process
(Django's test client, no network):

- pages through the whole ledger feed by cursor, 1,000 events a page, timing each page
  (the first page, in a process that has answered nothing yet, is also shown alone);
- counts the SQL queries of one page in the middle of the feed, and on PostgreSQL prints
  EXPLAIN (ANALYZE, BUFFERS) of its ledger query;
- times the first page of `?since=T`, T the recorded time of the ledger's middle event,
  and on PostgreSQL prints the plans of its two ledger queries (the since window, the page);
- times GET /api/v1/shelters/?page_size=10000 (every shelter with occupancy in one
  request: the answer alone, the Python CPU time of it, and with the client reading the
  JSON), counts its queries and prints its plan; and, as before, a page of 1,000;
- for comparison, times what a partner would otherwise fetch: the shelters table and
  the households table as CSV downloads from the desks (one request each, whole table).

Issue #14's budget: p95 < 100 ms a ledger page, p95 < 50 ms for the shelters at scale 10
on PostgreSQL.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from scratchdb import is_loaded, pg_execute, scratch_env  # noqa: E402


def p95(xs: list[float]) -> float:
    return round(statistics.quantiles(xs, n=20)[-1] * 1000, 1) if len(xs) > 1 else 0.0


def ms(x: float) -> float:
    return round(x * 1000, 1)


def refuge(args: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "refuge", *args], env=env, check=True,
                   capture_output=True)  # fmt: skip
    return round(time.perf_counter() - t, 1)


def gc_pauses() -> tuple[Any, list[float]]:
    """A gc callback timing each full (generation 2) collection, and the list it fills."""
    pauses: list[float] = []
    started: list[float] = []

    def timed(phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            started[:] = [time.perf_counter()]
        elif started:
            pauses.append(time.perf_counter() - started[0])

    gc.callbacks.append(timed)
    return timed, pauses


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--scale", default="10")
    p.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    p.add_argument("--shelter-gets", type=int, default=200)
    p.add_argument("--keep-db", nargs="?", const="", default=None, metavar="NAME",
                   help="load into (or reuse) this PostgreSQL database and keep it")  # fmt: skip
    p.add_argument("--feed-pages", type=int, default=0, metavar="N",
                   help="time only the first N pages of the feed (default: every page)")  # fmt: skip
    p.add_argument("--no-households-csv", action="store_true",
                   help="skip the households CSV download (the whole table in one request)")  # fmt: skip
    a = p.parse_args()
    keep = None
    if a.keep_db is not None:
        if a.database != "postgres":
            p.error("--keep-db keeps a PostgreSQL database")
        keep = a.keep_db or f"refuge_bench_api_s{a.scale}".replace(".", "_")
    loaded = bool(keep) and is_loaded(keep)
    out: dict[str, object] = {}
    with scratch_env(a.database, keep=keep) as (env, _):
        out["migrate_s"] = refuge(["migrate"], env)
        if loaded:
            out["scenario_load_s"] = "reused"
        else:
            out["scenario_load_s"] = refuge(["scenario", "load", "kursk-2024", "--scale", a.scale], env)  # fmt: skip
        if a.database == "postgres":
            t = time.perf_counter()
            pg_execute("VACUUM (ANALYZE)", env["DATABASE_URL"].rsplit("/", 1)[1])
            out["vacuum_analyze_s"] = round(time.perf_counter() - t, 1)
        os.environ.update(env)
        os.environ["REFUGE_API_RATE_PER_MINUTE"] = "100000000"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refuge.settings")
        try:
            measure(a, out)  # fills `out` as it goes: a late failure keeps the figures so far
        finally:
            commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                    capture_output=True, text=True).stdout.strip()  # fmt: skip
            print(json.dumps({
                "bench": "api_feed", "commit": commit, "database": a.database,
                "scale": a.scale, "kept_database": keep,
                "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)",
                "load_average": [round(x, 2) for x in os.getloadavg()], **out,
            }, indent=2, ensure_ascii=False))  # fmt: skip


def measure(a: argparse.Namespace, result: dict[str, object]) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from refuge.accounts.actions import do_create_account
    from refuge.accounts.models import Role
    from refuge.accounts.scope import Actor
    from refuge.api.actions import do_create_token
    from refuge.operations.models import Operation
    from refuge.web.management.commands.serve import settle_before_fork

    settle_before_fork()  # as `refuge serve` before its first request
    operation = Operation.objects.order_by("pk").first()
    # Created, or on a kept database reset, with its one role.
    user = do_create_account(username="bench-api", password="bench password 2026",
                             operation=operation, role=Role.NATIONAL_COORDINATOR)  # fmt: skip
    _, secret = do_create_token(actor=Actor(user=user, membership=None), owner=user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", SERVER_NAME="localhost")

    pages, events, url, middle = [], 0, "/api/v1/ledger/?page_size=1000", None
    started = time.perf_counter()
    while url:
        t = time.perf_counter()
        body = client.get(url).json()
        pages.append(time.perf_counter() - t)
        events += len(body["results"])
        url = body["next"]
        if len(pages) == 5 and url:
            middle = url  # a page past the first few, for the query count and the plan
        if url and a.feed_pages and len(pages) >= a.feed_pages:
            result["ledger_walk_stopped_after_pages"] = len(pages)
            break
    feed_s = time.perf_counter() - started
    result.update({
        "ledger_events": events, "ledger_pages": len(pages),
        "ledger_feed_total_s": round(feed_s, 1),
        "ledger_first_page_ms": ms(pages[0]),
        "ledger_page_median_ms": ms(statistics.median(pages)),
        "ledger_page_p95_ms": p95(pages),
        "ledger_page_p95_without_first_ms": p95(pages[1:]),
        "ledger_page_max_ms": ms(max(pages)),
        "ledger_slowest_pages": sorted(
            ((i + 1, ms(x)) for i, x in enumerate(pages)), key=lambda x: -x[1]
        )[:5],
    })  # fmt: skip
    if middle:
        with CaptureQueriesContext(connection) as page_queries:
            client.get(middle)
        result["ledger_page_queries"] = [q["sql"][:200] for q in page_queries.captured_queries]
        feed_sql = next(q["sql"] for q in page_queries.captured_queries
                        if 'FROM "movements_movement"' in q["sql"])  # fmt: skip
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {feed_sql}")
                result["ledger_page_plan"] = [r[0] for r in cursor.fetchall()]

    since_first_page(client, result)

    # Every shelter in one request (page_size up to 10,000 for shelters): the request
    # alone (the server's answer, in-process), and with the client reading the JSON.
    everyone, answer, cpu, parsed = "/api/v1/shelters/?page_size=10000", [], [], []
    result["load_average_before_shelters"] = [round(x, 2) for x in os.getloadavg()]
    # Again, so that what the walk above left is out of the collector's way too.
    settle_before_fork()
    collections, pauses = gc_pauses()
    for _ in range(a.shelter_gets):  # the server's answer alone, as a worker makes it
        t, c = time.perf_counter(), time.process_time()
        response = client.get(everyone)
        answer.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        assert response.status_code == 200
    gc.callbacks.remove(collections)
    result["shelters_all_full_collections"] = len(pauses)
    result["shelters_all_full_collection_median_ms"] = ms(statistics.median(pauses or [0]))
    for _ in range(max(1, a.shelter_gets // 4)):  # and with the client reading the JSON
        t = time.perf_counter()
        body = client.get(everyone).json()
        parsed.append(time.perf_counter() - t)
        assert body["next"] is None, body.get("next")
    with CaptureQueriesContext(connection) as shelter_queries:
        client.get(everyone)
    result.update({
        "shelters_all": len(body["results"]), "shelters_all_bytes": len(response.content),
        "shelters_all_get_median_ms": ms(statistics.median(answer)),
        "shelters_all_get_p95_ms": p95(answer), "shelters_all_get_max_ms": ms(max(answer)),
        "shelters_all_get_python_cpu_median_ms": ms(statistics.median(cpu)),
        "shelters_all_get_and_parse_median_ms": ms(statistics.median(parsed)),
        "shelters_all_get_and_parse_p95_ms": p95(parsed),
        "shelters_all_get_queries": len(shelter_queries.captured_queries),
    })  # fmt: skip
    if connection.vendor == "postgresql":
        shelter_sql = next(q["sql"] for q in shelter_queries.captured_queries
                           if 'FROM "shelters_shelter"' in q["sql"])  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {shelter_sql}")
            result["shelters_all_plan"] = [r[0] for r in cursor.fetchall()]
    pages = []  # a page of 1,000, as before
    for _ in range(max(1, a.shelter_gets // 2)):
        t = time.perf_counter()
        client.get("/api/v1/shelters/?page_size=1000").json()
        pages.append(time.perf_counter() - t)
    result["shelters_page_1000_get_and_parse_median_ms"] = ms(statistics.median(pages))
    result["shelters_page_1000_get_and_parse_p95_ms"] = p95(pages)

    # What a partner would otherwise use: the desks' CSV downloads, one request each.
    desk = Client(SERVER_NAME="localhost")
    desk.force_login(user)
    csv_times = []
    for _ in range(min(20, a.shelter_gets)):
        t = time.perf_counter()
        response = desk.get("/desk/shelters/export.csv")
        csv_times.append(time.perf_counter() - t)
    assert response.status_code == 200, response.status_code
    result["shelters_csv_median_ms"] = ms(statistics.median(csv_times))
    if not a.no_households_csv:
        t = time.perf_counter()
        response = desk.get("/desk/households/export.csv")
        assert response.status_code == 200, response.status_code
        result["households_csv_s"] = round(time.perf_counter() - t, 1)
        result["households_csv_rows"] = response.content.count(b"\n") - 1
        result["households_csv_mb"] = round(len(response.content) / 1e6, 1)


def since_first_page(client: object, result: dict[str, object]) -> None:
    """The first page of `?since=T` with T the recorded time of the ledger's middle event
    (by id): its time, its queries and, on PostgreSQL, their plans."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from refuge.movements.models import Movement

    ids = Movement.objects.order_by("pk").values_list("pk", flat=True)
    count = Movement.objects.count()
    if not count:
        return
    middle = Movement.objects.get(pk=ids[count // 2])
    url = "/api/v1/ledger/?page_size=1000&since=" + middle.recorded_at.isoformat().replace(
        "+", "%2B"
    )
    times = []
    for _ in range(20):
        t = time.perf_counter()
        body = client.get(url).json()  # type: ignore[attr-defined]
        times.append(time.perf_counter() - t)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)  # type: ignore[attr-defined]
    ledger_sql = [q["sql"] for q in queries.captured_queries if '"movements_movement"' in q["sql"]]
    result.update({
        "since": middle.recorded_at.isoformat(), "since_middle_event_id": middle.pk,
        "since_first_page_rows": len(body["results"]),
        "since_first_page_first_id": body["results"][0]["id"] if body["results"] else None,
        "since_first_page_median_ms": ms(statistics.median(times)),
        "since_first_page_p95_ms": p95(times), "since_first_page_max_ms": ms(max(times)),
        "since_first_page_queries": [q["sql"][:240] for q in queries.captured_queries],
    })  # fmt: skip
    if connection.vendor == "postgresql":
        plans = []
        with connection.cursor() as cursor:
            for sql in ledger_sql:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plans.append([r[0] for r in cursor.fetchall()])
        result["since_first_page_plans"] = plans


if __name__ == "__main__":
    main()
