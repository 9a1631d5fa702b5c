"""The public warnings page and the Atom feed under a rush, served by `refuge serve`; JSON.

    .venv/bin/python bench/alerts_public.py [--rate 200] [--seconds 20] [--workers N]
        [--database sqlite|postgres]

A warning draws everyone to the page at once, so requests arrive at random (a Poisson
process) at --rate per second, from two client processes, over fresh connections (as
many phones would; asyncio, so the clients take little of the two cores), for --seconds after a short warm-up. A request's time runs from
its scheduled arrival, so queueing at a busy server counts. The paths alternate:
/alerts/?lang=uk, /alerts/?lang=ru, /alerts/feed.atom?lang=uk. The database is a
scratch one with `refuge scenario load ternopil-2024` (three warnings, one in force
now only if the clock says so: the scenario's are of 2024, so 20 current warnings are
added to make the page as long as on a bad night). The load average is printed before
and after, since the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import multiprocessing
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scratchdb import scratch_env  # noqa: E402  (bench/ is no package)

HOST = "127.0.0.1"
PATHS = ("/alerts/?lang=uk", "/alerts/?lang=ru", "/alerts/feed.atom?lang=uk")
TARGET_P95_MS = 50
CURRENT = """
from refuge.accounts.scope import Actor
from refuge.alerts.actions import do_draft_alert, do_release_alert
from refuge.geo.models import Settlement
from refuge.operations.models import Operation
op = Operation.objects.get(slug="ternopil-2024")
city = Settlement.objects.get(name_en="Ternopil")
for i in range(20):
    kind = ("shelter_in_place", "air_raid", "evacuate", "return_home")[i % 4]
    a = do_draft_alert(actor=Actor(None, None), operation=op, template=kind,
                       area=f"settlement:{city.pk}" if i % 2 else "region:UA-61")
    do_release_alert(actor=Actor(None, None), alert=a)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str) -> tuple[int, int]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request("GET", path, headers={"Accept-Language": "uk"})
        response = conn.getresponse()
        return response.status, len(response.read())
    finally:
        conn.close()


async def _aget(port: int, path: str) -> int:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        data = await reader.read()
        return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    finally:
        writer.close()


async def _arrivals(
    port: int, rate: float, seconds: float, seed: int
) -> list[tuple[float, int, int]]:
    rng = random.Random(seed)
    loop = asyncio.get_running_loop()
    results: list[tuple[float, int, int]] = []
    start = loop.time() + 0.2

    async def one(due: float, index: int) -> None:
        await asyncio.sleep(max(0.0, due - loop.time()))
        try:
            status = await asyncio.wait_for(_aget(port, PATHS[index]), 10)
        except (OSError, TimeoutError):
            status = 0
        results.append(((loop.time() - due) * 1000, status, index))

    tasks, t, n = [], 0.0, 0
    while (t := t + rng.expovariate(rate)) <= seconds:
        tasks.append(asyncio.create_task(one(start + t, n % len(PATHS))))
        n += 1
    await asyncio.gather(*tasks)
    return results


def _client(port: int, rate: float, seconds: float, seed: int, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    out.put(asyncio.run(_arrivals(port, rate, seconds, seed)))


def _load(port: int, rate: float, seconds: float) -> list[tuple[float, int, int]]:
    out: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    procs = [
        multiprocessing.Process(target=_client, args=(port, rate / 2, seconds, seed, out))
        for seed in (1, 2)
    ]
    for p in procs:
        p.start()
    results = [r for _ in procs for r in out.get()]
    for p in procs:
        p.join()
    return results


def _cpu_seconds(root: int) -> float:
    """User + system CPU seconds of a process and its children (the gunicorn workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if root in (pid, ppid):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 1) if values else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=0, help="default: refuge serve's")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    refuge = [sys.executable, "-m", "refuge"]
    with scratch_env(args.database) as (env, _tmp):
        subprocess.run([*refuge, "migrate", "-v0"], env=env, check=True)
        subprocess.run([*refuge, "scenario", "load", "ternopil-2024"], env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        subprocess.run([*refuge, "shell", "-c", CURRENT], env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        port = _free_port()
        serve = [*refuge, "serve", "--port", str(port)]
        if args.workers:
            serve += ["--workers", str(args.workers)]
        server = subprocess.Popen(serve, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            for _ in range(100):
                try:
                    if _get(port, PATHS[0])[0] == 200:
                        break
                except OSError:
                    time.sleep(0.2)
            sizes = {p: _get(port, p)[1] for p in PATHS}
            _load(port, args.rate, 2.0)  # warm-up
            load_before = os.getloadavg()
            cpu_before = _cpu_seconds(server.pid)
            started = time.perf_counter()
            results = _load(port, args.rate, args.seconds)
            took = time.perf_counter() - started
            server_cpu = _cpu_seconds(server.pid) - cpu_before
            load_after = os.getloadavg()
        finally:
            server.terminate()
            server.wait(timeout=30)
    ok = [ms for ms, status, _ in results if status == 200]
    by_path = {
        PATHS[i]: {"p50_ms": _pct(v, 0.5), "p95_ms": _pct(v, 0.95)}
        for i in range(len(PATHS))
        if (v := [ms for ms, status, k in results if status == 200 and k == i])
    }
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()  # fmt: skip
    print(json.dumps({
        "bench": "alerts_public", "commit": commit, "database": args.database,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)",
        "rate_per_s": args.rate, "seconds": args.seconds, "requests": len(results),
        "achieved_per_s": round(len(results) / took, 1),
        "errors": len(results) - len(ok),
        "p50_ms": _pct(ok, 0.5), "p95_ms": _pct(ok, 0.95), "p99_ms": _pct(ok, 0.99),
        "mean_ms": round(statistics.fmean(ok), 1) if ok else None,
        "server_cpu_ms_per_request": round(server_cpu * 1000 / max(1, len(results)), 2),
        "by_path": by_path, "bytes": sizes, "target_p95_ms": TARGET_P95_MS,
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in load_after],
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
