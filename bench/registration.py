"""Registration desk submit under load, against the real server on PostgreSQL; print JSON.

    .venv/bin/python bench/registration.py [--database-url URL | --create --scale 10]
        [--workers 4] [--requests 2000] [--servers 1] [--time-limit 900] [--keep-db]

Without --database-url a database `refuge_bench_registration_s<scale>` is created,
migrated, loaded with the Kursk-2024 scenario and indexed for the duplicate check
(`refuge tracing index`); with --keep-db an already loaded one is reused (migrated and
indexed up to date) and the database is kept, else it is dropped at the end.
`refuge serve` (waitress, one process; --servers starts more, on their own ports) runs
against it on 127.0.0.1, and each worker process logs in as its own registrar and
registers, back to back, 1-5 person households drawn from the scenario's population
model. Only the submit is timed: the "Check" POST plus the "Save the registration"
POST the page asks for next (duplicates and shelter shown first); getting the empty form
(CSRF token, idempotency key) before each submit is not. CPU seconds per registration
(form, check and save) are read from /proc for the servers, the clients and the machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path

from refuge.core.population.households import HouseholdMaker, Member

PG = os.environ.get("REFUGE_TEST_PG", "postgres://postgres@127.0.0.1:5432")
HOST = "127.0.0.1"
TARGET_P95_MS = 150
MAX_MEMBERS = 5
MEMBER_ROWS = 4  # rows the empty form shows
DESTINATIONS = (("relatives", 0.7), ("shelter", 0.2), ("own_housing", 0.1))
STREETS = ("Ленина", "Советская", "Мира", "Садовая", "Гагарина", "Победы", "Школьная")

# Run inside `refuge shell`: what the clients need to fill the form realistically.
SETUP_CODE = """
import json
from collections import Counter
from django.utils import translation
from refuge.geo.models import Settlement
from refuge.geo.selectors import settlement_label
from refuge.geo.models import Region
from refuge.operations.selectors import coverage_start
from refuge.registry.models import Person, ReceptionPoint
from refuge.reports.selectors import operation_named
translation.activate("en")
op = operation_named(None)
settlements = Settlement.objects.select_related("district")
counts = Counter(settlement_label(s) for s in settlements)
covered = [settlement_label(s) for s in settlements.filter(pk__in=coverage_start(op))]
points = ReceptionPoint.objects.filter(operation=op, region=op.affected_region)
regions = Region.objects.filter(country="RU").exclude(pk=op.affected_region_id)
print(json.dumps({
    "persons": Person.objects.count(),
    "origins": sorted(label for label in covered if counts[label] == 1),
    "reception_points": list(points.values_list("pk", flat=True)),
    "regions": list(regions.values_list("pk", flat=True)),
}))
"""


# --- database and server ----------------------------------------------------------


def refuge(args: list[str], env: dict[str, str]) -> str:
    return subprocess.run(
        [sys.executable, "-m", "refuge", *args], env=env, check=True, capture_output=True, text=True
    ).stdout


def pg_execute(sql: str, database: str = "postgres") -> list[tuple]:
    import psycopg

    with psycopg.connect(f"{PG}/{database}", autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


def is_loaded(name: str) -> bool:
    if not pg_execute(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
        return False
    found = pg_execute("SELECT to_regclass('operations_operation') IS NOT NULL", name)
    return bool(found[0][0]) and bool(pg_execute("SELECT 1 FROM operations_operation", name))


def prepare_database(name: str, scale: float, keep: bool, env: dict[str, str]) -> dict:
    """Create and load (or, with keep, reuse) the database; return the seconds taken.

    As after any bulk load: `refuge tracing index` builds the blocking keys the desk's
    duplicate check reads, and VACUUM ANALYZE does what autovacuum does on a production
    server shortly afterwards (the test server runs with autovacuum off).
    """
    fresh = not (keep and is_loaded(name))
    if fresh:
        pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        pg_execute(f'CREATE DATABASE "{name}"')
    refuge(["migrate", "--verbosity", "0"], env)
    seconds = {}
    if fresh:
        seconds["load_seconds"] = timed_command(
            ["scenario", "load", "kursk-2024", "--scale", str(scale)], env
        )
    seconds["index_seconds"] = timed_command(["tracing", "index"], env)
    pg_execute("VACUUM (ANALYZE)", name)
    return seconds


def timed_command(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    refuge(args, env)
    return round(time.perf_counter() - started, 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str], threads: int, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "refuge", "serve", "--host", HOST, "--port", str(port)]
            + ["--threads", str(threads)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if Client(port).request("GET", "/accounts/login/")[0] == 200:
                return server, port
        except OSError:
            pass  # not listening yet
        time.sleep(0.3)
    server.kill()
    raise SystemExit(f"the server did not start:\n{log.read_text()[-2000:]}")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()


def create_registrars(count: int, points: list[int], env: dict[str, str]) -> list[tuple[str, str]]:
    logins = []
    for i in range(count):
        username, password = f"bench-registrar-{i + 1}", secrets.token_urlsafe(16)
        point = str(points[i % len(points)])
        args = ["createuser", username, "--role", "registrar", "--reception-point", point]
        refuge(args, {**env, "REFUGE_PASSWORD": password})
        logins.append((username, password))
    return logins


# --- one registrar at a desk -------------------------------------------------------


class Client:
    """One browser: a keep-alive connection and its cookies; redirects are not followed."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body, headers)
            response = self.conn.getresponse()
            text = response.read().decode()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # the next request opens a fresh connection
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.update({k: m.value for k, m in SimpleCookie(header).items()})
        return response.status, response.getheader("Location", ""), text


def hidden_value(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page)
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0)) if tag else None
    return value.group(1) if value else ""


def log_in(client: Client, username: str, password: str) -> None:
    _, _, page = client.request("GET", "/accounts/login/")
    fields = {
        "csrfmiddlewaretoken": hidden_value(page, "csrfmiddlewaretoken"),
        "username": username,
        "password": password,
        "next": "/desk/register/",
    }
    status, _, _ = client.request("POST", "/accounts/login/", fields)
    if status != 302:
        raise RuntimeError(f"{username} could not log in (HTTP {status})")


def household_fields(rng: random.Random, maker: HouseholdMaker, setup: dict) -> dict[str, str]:
    household = maker.make()
    while household.size > MAX_MEMBERS:
        household = maker.make()
    members = household.members
    rows = max(MEMBER_ROWS, len(members))
    fields = {
        "m-TOTAL_FORMS": str(rows),
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "30",
    }
    for i in range(rows):
        fields.update(member_fields(i, members[i] if i < len(members) else None))
    destination = rng.choices(*zip(*DESTINATIONS, strict=True))[0]
    fields.update(
        origin=rng.choice(setup["origins"]),
        phone=household.phone,
        mode=rng.choice(("organised", "own")),
        destination=destination,
        destination_region="",
        destination_address="",
        shelter="",
    )
    if all(m.consents_to_be_found for m in members):
        fields["consents_to_be_found"] = "on"
    if destination != "shelter":
        fields["destination_region"] = str(rng.choice(setup["regions"]))
        fields["destination_address"] = f"ул. {rng.choice(STREETS)}, д. {rng.randint(1, 120)}"
    return fields


def member_fields(i: int, m: Member | None) -> dict[str, str]:
    names = ("family_name", "given_name", "patronymic", "sex", "birth_date")
    if m is None:
        return {f"m-{i}-{name}": "" for name in names}
    birth = "-".join(
        f"{part:02d}" for part in (m.birth_year, m.birth_month, m.birth_day) if part is not None
    )
    fields = {
        f"m-{i}-family_name": m.family_name,
        f"m-{i}-given_name": m.given_name,
        f"m-{i}-patronymic": m.patronymic,
        f"m-{i}-sex": m.sex,
        f"m-{i}-birth_date": birth,
    }
    fields.update({f"m-{i}-{need}": "on" for need in m.needs})
    return fields


@dataclass
class Submit:
    ms: float = 0.0
    check_ms: float = 0.0
    save_ms: float | None = None
    duplicates: bool = False
    error: str | None = None


def timed(client: Client, fields: dict) -> tuple[float, tuple[int, str, str]]:
    started = time.perf_counter()
    answer = client.request("POST", "/desk/register/", fields)
    return (time.perf_counter() - started) * 1000, answer


def submit(client: Client, fields: dict[str, str]) -> Submit:
    _, _, form = client.request("GET", "/desk/register/")
    fields["csrfmiddlewaretoken"] = hidden_value(form, "csrfmiddlewaretoken")
    fields["idempotency_key"] = hidden_value(form, "idempotency_key")
    check_ms, (status, location, page) = timed(client, {**fields, "check": "1"})
    result = Submit(ms=check_ms, check_ms=check_ms, duplicates='class="duplicates"' in page)
    if status == 302 and "/desk/households/" in location:
        return result  # saved without asking for a confirmation
    if status != 200 or 'name="confirm"' not in page:
        result.error = f"check HTTP {status}"
        return result
    if fields["destination"] == "shelter" and not hidden_value(page, "shelter"):
        result.error = "no shelter suggested"
        return result
    fields["csrfmiddlewaretoken"] = hidden_value(page, "csrfmiddlewaretoken")
    fields["shelter"] = hidden_value(page, "shelter")
    save_ms, (status, location, _) = timed(client, {**fields, "confirm": "1"})
    result.save_ms, result.ms = save_ms, check_ms + save_ms
    if status != 302 or "/desk/households/" not in location:
        result.error = f"save HTTP {status}"
    return result


@dataclass(frozen=True)
class WorkerPlan:
    port: int
    username: str
    password: str
    submits: int
    warmup: int
    seconds: float
    seed: int
    setup: dict = field(repr=False)


@dataclass(frozen=True)
class WorkerResult:
    submits: list[Submit]
    ended: float  # time.time() after the last timed submit
    cpu_seconds: float  # this client process's, over the timed submits


_start_line: threading.Barrier | None = None  # all workers log in and warm up, then go


def join_start_line(barrier: threading.Barrier) -> None:
    global _start_line
    _start_line = barrier


def run_worker(plan: WorkerPlan) -> WorkerResult:
    assert _start_line is not None
    rng = random.Random(plan.seed)
    maker = HouseholdMaker(random.Random(plan.seed + 1))
    client = Client(plan.port)
    try:
        log_in(client, plan.username, plan.password)
        for _ in range(plan.warmup):
            submit(client, household_fields(rng, maker, plan.setup))
    except BaseException:
        _start_line.abort()  # nobody waits for a worker that cannot start
        raise
    _start_line.wait(timeout=600)
    cpu, deadline = time.process_time(), time.monotonic() + plan.seconds
    results = []
    while len(results) < plan.submits and time.monotonic() < deadline:
        fields = household_fields(rng, maker, plan.setup)
        try:
            results.append(submit(client, fields))
        except (OSError, http.client.HTTPException) as e:
            results.append(Submit(error=type(e).__name__))
    return WorkerResult(results, time.time(), time.process_time() - cpu)


# --- the run and its report -------------------------------------------------------


def percentile(values: list[float], p: int) -> float:
    return round(statistics.quantiles(values, n=100, method="inclusive")[p - 1], 1)


def summary(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        return {}
    return {
        "p50_ms": percentile(values, 50),
        "p95_ms": percentile(values, 95),
        "p99_ms": percentile(values, 99),
        "max_ms": round(max(values), 1),
        "mean_ms": round(statistics.fmean(values), 1),
    }


def machine() -> str:
    with open("/proc/meminfo") as f:
        kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
    return f"{os.cpu_count()} cores, {kb / 2**20:.0f} GiB, Python {platform.python_version()}"


def git_state() -> dict[str, object]:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True).stdout.strip()

    return {"commit": git("rev-parse", "--short", "HEAD"), "dirty": bool(git("status", "-s"))}


def measure(opts: argparse.Namespace, servers: dict[int, int], logins: list, setup: dict) -> dict:
    """Time the submits; servers maps each server's port to its pid."""
    ports = list(servers)
    share, extra = divmod(opts.requests, opts.workers)
    plans = [
        WorkerPlan(
            port=ports[i % len(ports)],
            username=username,
            password=password,
            submits=share + (i < extra),
            warmup=opts.warmup,
            seconds=opts.time_limit,
            seed=opts.seed * 1000 + i,
            setup=setup,
        )
        for i, (username, password) in enumerate(logins)
    ]
    start_line = multiprocessing.Barrier(opts.workers + 1)
    with ProcessPoolExecutor(
        opts.workers, initializer=join_start_line, initargs=(start_line,)
    ) as pool:
        pending = pool.map(run_worker, plans)
        try:
            start_line.wait(timeout=600)
        except threading.BrokenBarrierError:
            list(pending)  # raises the worker's error
            raise
        started, server_before, machine_before = time.time(), servers_cpu(servers), machine_cpu()
        workers = list(pending)
    server_cpu = servers_cpu(servers) - server_before
    busy, total = (
        after - before for after, before in zip(machine_cpu(), machine_before, strict=True)
    )
    results = [r for w in workers for r in w.submits]
    wall = max(w.ended for w in workers) - started
    cpu = {"server": server_cpu, "clients": sum(w.cpu_seconds for w in workers), "machine": busy}
    return {
        **report(results, wall),
        # a registration: the form's GET, the check and the save
        "cpu_seconds_per_registration": {k: round(v / len(results), 3) for k, v in cpu.items()},
        "machine_busy_share": round(busy / total, 2),
    }


def servers_cpu(servers: dict[int, int]) -> float:
    """User + system seconds of the running servers, from /proc."""
    ticks = 0
    for pid in servers.values():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """Busy and total seconds since boot, all cores added up, from /proc/stat."""
    ticks = [int(t) for t in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]
    idle = ticks[3] + ticks[4]  # idle, iowait (guest time is counted in user already)
    hz = os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - idle) / hz, sum(ticks) / hz


def report(results: list[Submit], wall: float) -> dict:
    done = [r for r in results if r.error is None]
    confirmed = [r for r in done if r.save_ms is not None]
    return {
        "submits": len(results),
        "errors": len(results) - len(done),
        "error_kinds": dict(Counter(r.error for r in results if r.error)),
        "submit": summary([r.ms for r in done]),
        "check_step": summary([r.check_ms for r in done]),
        "save_step": summary([r.save_ms for r in confirmed]),
        "confirm_step_share": round(len(confirmed) / len(done), 3) if done else None,
        "duplicates_flagged_share": round(sum(r.duplicates for r in done) / len(done), 3)
        if done
        else None,
        "throughput_per_s": round(len(done) / wall, 2),
        "wall_seconds": round(wall, 1),
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database-url", help="an existing, loaded PostgreSQL database")
    where.add_argument("--create", action="store_true", help="create one (the default)")
    parser.add_argument("--scale", type=float, help="scenario scale (default 10 when creating)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--requests", type=int, default=2000, help="timed submits in all")
    parser.add_argument("--warmup", type=int, default=3, help="untimed submits per worker")
    parser.add_argument("--time-limit", type=float, default=900, help="seconds of timed submits")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument(
        "--servers", type=int, default=1, help="server processes, desks spread over them"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep-db", action="store_true")
    return parser.parse_args()


def main() -> None:
    opts = parse_args()
    created = opts.database_url is None
    if created:
        opts.scale = opts.scale or 10.0
    name = f"refuge_bench_registration_s{opts.scale:g}".replace(".", "_")
    url = opts.database_url or f"{PG}/{name}"
    database = {"engine": "postgresql", "name": url.rsplit("/", 1)[-1]}
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "REFUGE_DATA_DIR": tmp, "DATABASE_URL": url}
        try:
            if created:
                database.update(prepare_database(name, opts.scale, opts.keep_db, env))
            result = run(opts, env, Path(tmp))
        finally:
            if created and not opts.keep_db:
                pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(json.dumps({"database": database, **result}, indent=2, ensure_ascii=False))


def run(opts: argparse.Namespace, env: dict[str, str], tmp: Path) -> dict:
    setup = json.loads(refuge(["shell", "-c", SETUP_CODE], env).strip().splitlines()[-1])
    logins = create_registrars(opts.workers, setup["reception_points"], env)
    load_before, code = os.getloadavg()[0], git_state()  # as the server starts
    servers: dict[int, subprocess.Popen] = {}
    try:
        for i in range(opts.servers):
            server, port = start_server(env, opts.threads, tmp / f"server-{i + 1}.log")
            servers[port] = server
        measured = measure(opts, {port: s.pid for port, s in servers.items()}, logins, setup)
    finally:
        for server in servers.values():
            stop_server(server)
    return {
        "bench": "registration",
        "date": date.today().isoformat(),
        "machine": machine(),
        "scale": opts.scale,
        "persons_before": setup["persons"],
        "workers": opts.workers,
        "servers": opts.servers,
        "server_threads": opts.threads,
        "requests": opts.requests,
        **measured,
        "target_p95_ms": TARGET_P95_MS,
        "meets_target": measured["submit"].get("p95_ms", float("inf")) < TARGET_P95_MS,
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        **code,
    }


if __name__ == "__main__":
    main()
