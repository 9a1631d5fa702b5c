"""Registration desk submit under load, against the real server on PostgreSQL; print JSON.

    .venv/bin/python bench/registration.py [--database-url URL | --create --scale 10]
        [--rate-factor 2 | --desks 4] [--requests 2000] [--processes 2] [--keep-db]

Without --database-url a database `refuge_bench_registration_s<scale>` is created,
migrated, loaded with the Kursk-2024 scenario and indexed for the duplicate check
(`refuge tracing index`); with --keep-db an already loaded one is reused (migrated and
indexed up to date) and the database is kept, else it is dropped at the end. A
database given by --database-url is used as it is, after a VACUUM (ANALYZE).
`refuge serve` (gunicorn, --processes worker processes, one request each at a time) runs against it on 127.0.0.1.
Registrars register 1-5 person households drawn from the scenario's population model.

Two kinds of load:
- open (the default): households arrive at random (a Poisson process) at
  --rate-factor times the busiest hour of registrations in the loaded scenario, over
  --sessions desk sessions in 4 client processes, each session with its empty form
  already open. A submit's time runs from its arrival, so waiting for a free desk or
  a busy server counts.
- closed (--desks N): N desks register back to back with no pause, each getting its
  empty form, then submitting; this finds the server's capacity, and its latency is
  the queue N desks make on two cores.

A submit is the "Register" POST, plus the "Save the registration" POST when the page
asks for a decision on possible duplicates. Getting the empty form (CSRF token,
idempotency key) is not timed. CPU seconds per registration (form, submit) are read
from /proc for the server processes, the clients and the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import http.client
import json
import multiprocessing
import os
import platform
import queue
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
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
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
CLIENT_PROCESSES = 4  # for the open load; each runs its share of the desk sessions
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
from django.db.models import Count
from django.db.models.functions import TruncHour
from refuge.registry.models import Household, Person, ReceptionPoint
from refuge.reports.selectors import operation_named
translation.activate("en")
hours = (Household.objects.filter(registered_by__isnull=True)
         .annotate(hour=TruncHour("registered_at")).values("hour")
         .annotate(n=Count("id")).order_by("-n").values_list("n", flat=True))
op = operation_named(None)
settlements = Settlement.objects.select_related("district")
counts = Counter(settlement_label(s) for s in settlements)
covered = [settlement_label(s) for s in settlements.filter(pk__in=coverage_start(op))]
points = ReceptionPoint.objects.filter(operation=op, region=op.affected_region)
regions = Region.objects.filter(country="RU").exclude(pk=op.affected_region_id)
print(json.dumps({
    "persons": Person.objects.count(),
    "peak_hour_households": hours.first() or 0,
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


def vacuum(url: str) -> float:
    """VACUUM (ANALYZE) a reused database first, as autovacuum keeps a production server.

    The test server here runs with autovacuum off, so without this each run would
    start among the dead rows of the runs before it and be slower than the last.
    """
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    return round(time.perf_counter() - started, 1)


def timed_command(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    refuge(args, env)
    return round(time.perf_counter() - started, 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str], processes: int, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "refuge", "serve", "--host", HOST, "--port", str(port)]
            + ["--workers", str(processes)],
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
    server.terminate()  # gunicorn's master stops its workers
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
    """One browser: a keep-alive connection and its cookies; redirects are not followed.

    Like a browser, it opens a new connection when the server has closed an idle one
    (gunicorn keeps an idle connection for two seconds) and sends the request again.
    """

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.idle_since = time.monotonic()

    def request(self, method: str, path: str, fields: dict | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if time.monotonic() - self.idle_since > 1.5:
            self.conn.close()  # the server may be closing it right now
        try:
            self.conn.request(method, path, body, headers)
            response = self.conn.getresponse()
            text = response.read().decode()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # the next request opens a fresh connection
            raise
        finally:
            self.idle_since = time.monotonic()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.update({k: m.value for k, m in SimpleCookie(header).items()})
        return response.status, response.getheader("Location", ""), text


def hidden_value(page: str, name: str) -> str:
    return hidden_fields(page).get(name, "")


def hidden_fields(page: str) -> dict[str, str]:
    """Every hidden input of a page, as a browser sends them back with the form."""
    fields = {}
    for tag in re.findall(r'<input[^>]*\btype="hidden"[^>]*>', page):
        name = re.search(r'\bname="([^"]*)"', tag)
        value = re.search(r'\bvalue="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return fields


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
    ms: float = 0.0  # from arrival (open load) or from sending (closed load) to saved
    check_ms: float = 0.0
    save_ms: float | None = None
    duplicates: bool = False
    error: str | None = None


def timed(client: Client, fields: dict) -> tuple[float, tuple[int, str, str]]:
    started = time.perf_counter()
    answer = client.request("POST", "/desk/register/", fields)
    return (time.perf_counter() - started) * 1000, answer


class Desk:
    """A registrar's session with an empty registration form open."""

    def __init__(self, port: int, username: str, password: str) -> None:
        self.client = Client(port)
        log_in(self.client, username, password)
        self.open_form()

    def open_form(self) -> None:
        _, _, self.form = self.client.request("GET", "/desk/register/")

    def submit(self, fields: dict[str, str], arrived: float | None = None) -> Submit:
        """Register one household; the time counts from `arrived` (perf_counter) if given."""
        fields["csrfmiddlewaretoken"] = hidden_value(self.form, "csrfmiddlewaretoken")
        fields["idempotency_key"] = hidden_value(self.form, "idempotency_key")
        waited = (time.perf_counter() - arrived) * 1000 if arrived is not None else 0.0
        check_ms, (status, location, page) = timed(self.client, {**fields, "register": "1"})
        result = Submit(ms=waited + check_ms, check_ms=check_ms)
        result.duplicates = 'class="duplicates"' in page
        if status == 302 and "/desk/households/" in location:
            return result  # saved: nothing needed the registrar's decision
        if status != 200 or 'name="confirm"' not in page:
            result.error = f"register HTTP {status}"
            return result
        if fields["destination"] == "shelter" and not hidden_value(page, "shelter"):
            result.error = "no shelter suggested"
            return result
        # As a browser does: the page's hidden fields (CSRF token, the suggested shelter,
        # the signed list of duplicates shown) go back with the registrar's "Save".
        fields.update(hidden_fields(page))
        save_ms, (status, location, _) = timed(self.client, {**fields, "confirm": "1"})
        result.save_ms = save_ms
        result.ms += save_ms
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
    rate: float | None  # arrivals per second for this process (open load), else closed
    sessions: int  # desk sessions in this process
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
    try:
        desks = [Desk(plan.port, plan.username, plan.password) for _ in range(plan.sessions)]
        for _ in range(plan.warmup):
            desks[0].submit(household_fields(rng, maker, plan.setup))
            desks[0].open_form()
    except BaseException:
        _start_line.abort()  # nobody waits for a worker that cannot start
        raise
    _start_line.wait(timeout=600)
    cpu = time.process_time()
    if plan.rate is None:
        results = closed_load(plan, desks[0], rng, maker)
    else:
        results = open_load(plan, desks, rng, maker)
    return WorkerResult(results, time.time(), time.process_time() - cpu)


def one_registration(desk: Desk, fields: dict[str, str], arrived: float | None) -> Submit:
    try:
        return desk.submit(fields, arrived)
    except (OSError, http.client.HTTPException) as e:
        return Submit(error=type(e).__name__)


def closed_load(plan: WorkerPlan, desk: Desk, rng: random.Random, maker) -> list[Submit]:  # type: ignore[no-untyped-def]
    """Back to back: open a form, submit it, open the next."""
    deadline, results = time.monotonic() + plan.seconds, []
    while len(results) < plan.submits and time.monotonic() < deadline:
        desk.open_form()
        results.append(one_registration(desk, household_fields(rng, maker, plan.setup), None))
    return results


def open_load(plan: WorkerPlan, desks: list[Desk], rng: random.Random, maker) -> list[Submit]:  # type: ignore[no-untyped-def]
    """Households arrive at random; a free desk takes each, and opens a new form after."""
    assert plan.rate is not None
    free: queue.Queue[Desk] = queue.Queue()
    for desk in desks:
        free.put(desk)

    def serve(fields: dict[str, str], arrived: float) -> Submit:
        desk = free.get()  # waiting for a desk counts: the time runs from arrival
        try:
            return one_registration(desk, fields, arrived)
        finally:
            # A broken connection here is reported by this desk's next submit.
            with contextlib.suppress(OSError, http.client.HTTPException):
                desk.open_form()
            free.put(desk)

    start, at, pending = time.perf_counter(), 0.0, []
    with ThreadPoolExecutor(len(desks)) as pool:
        while len(pending) < plan.submits and at < plan.seconds:
            at += rng.expovariate(plan.rate)
            fields = household_fields(rng, maker, plan.setup)
            time.sleep(max(0.0, start + at - time.perf_counter()))
            pending.append(pool.submit(serve, fields, start + at))
        return [p.result() for p in pending]


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


def measure(
    opts: argparse.Namespace, port: int, server_pid: int, logins: list, setup: dict
) -> dict:
    """Time the submits, one client process per login."""
    processes = len(logins)
    share, extra = divmod(opts.requests, processes)
    rate = opts.rate / processes if opts.rate else None
    plans = [
        WorkerPlan(
            port=port,
            username=username,
            password=password,
            submits=share + (i < extra),
            warmup=opts.warmup,
            seconds=opts.time_limit,
            seed=opts.seed * 1000 + i,
            rate=rate,
            sessions=max(1, opts.sessions // processes) if rate else 1,
            setup=setup,
        )
        for i, (username, password) in enumerate(logins)
    ]
    start_line = multiprocessing.Barrier(processes + 1)
    with ProcessPoolExecutor(
        processes, initializer=join_start_line, initargs=(start_line,)
    ) as pool:
        pending = pool.map(run_worker, plans)
        try:
            start_line.wait(timeout=600)
        except threading.BrokenBarrierError:
            list(pending)  # raises the worker's error
            raise
        started, server_before, machine_before = (
            time.time(), server_cpu(server_pid), machine_cpu()
        )  # fmt: skip
        workers = list(pending)
    server_seconds = server_cpu(server_pid) - server_before
    busy, total = (
        after - before for after, before in zip(machine_cpu(), machine_before, strict=True)
    )
    results = [r for w in workers for r in w.submits]
    wall = max(w.ended for w in workers) - started
    cpu = {
        "server": server_seconds,
        "clients": sum(w.cpu_seconds for w in workers),
        "machine": busy,
    }
    return {
        **report(results, wall),
        # a registration: the form's GET and the submit (one or two POSTs)
        "cpu_seconds_per_registration": {k: round(v / len(results), 3) for k, v in cpu.items()},
        "machine_busy_share": round(busy / total, 2),
    }


def server_cpu(pid: int) -> float:
    """User + system seconds of the server and its worker processes, from /proc."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that ended meanwhile
        if stat.parent.name == str(pid) or fields[1] == str(pid):
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
    load = parser.add_mutually_exclusive_group()
    load.add_argument(
        "--rate-factor",
        type=float,
        default=2.0,
        help="open load: arrivals at this many times the scenario's busiest hour",
    )
    load.add_argument("--desks", type=int, help="closed load: desks registering back to back")
    parser.add_argument("--sessions", type=int, default=32, help="desk sessions (open load)")
    parser.add_argument("--requests", type=int, default=2000, help="timed submits in all")
    parser.add_argument("--warmup", type=int, default=3, help="untimed submits per client")
    parser.add_argument("--time-limit", type=float, default=900, help="seconds of timed submits")
    parser.add_argument(
        "--processes",
        type=int,
        default=2 * (os.cpu_count() or 1) + 1,
        help="server worker processes (refuge serve's default)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        help="households' seed (default: the registry's size, so a rerun on a kept "
        "database registers new people rather than the last run's again)",
    )
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
            else:
                database["vacuum_seconds"] = vacuum(url)
            result = run(opts, env, Path(tmp))
        finally:
            if created and not opts.keep_db:
                pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(json.dumps({"database": database, **result}, indent=2, ensure_ascii=False))


def run(opts: argparse.Namespace, env: dict[str, str], tmp: Path) -> dict:
    setup = json.loads(refuge(["shell", "-c", SETUP_CODE], env).strip().splitlines()[-1])
    if opts.seed is None:
        opts.seed = setup["persons"]
    peak_per_s = setup["peak_hour_households"] / 3600
    opts.rate = None if opts.desks else opts.rate_factor * peak_per_s
    clients = opts.desks or CLIENT_PROCESSES
    logins = create_registrars(clients, setup["reception_points"], env)
    load_before, code = os.getloadavg()[0], git_state()  # as the server starts
    server, port = start_server(env, opts.processes, tmp / "server.log")
    try:
        measured = measure(opts, port, server.pid, logins, setup)
    finally:
        stop_server(server)
    load = (
        {"load": "closed", "desks": opts.desks}
        if opts.desks
        else {
            "load": "open",
            "scenario_peak_hour_households": setup["peak_hour_households"],
            "rate_factor": opts.rate_factor,
            "offered_per_s": round(opts.rate, 2),
            "desk_sessions": opts.sessions,
        }
    )
    return {
        "bench": "registration",
        "date": date.today().isoformat(),
        "machine": machine(),
        "scale": opts.scale,
        "persons_before": setup["persons"],
        **load,
        "server_processes": opts.processes,
        "requests": opts.requests,
        "seed": opts.seed,
        **measured,
        "target_p95_ms": TARGET_P95_MS,
        "meets_target": measured["submit"].get("p95_ms", float("inf")) < TARGET_P95_MS,
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        **code,
    }


if __name__ == "__main__":
    main()
