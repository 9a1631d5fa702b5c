"""The server killed mid-stream loses nothing it acknowledged.

The real server (`refuge serve`, gunicorn) runs on a scratch database; registrars sign in
and register households from several threads, posting what the page rendered. The
whole server (master and workers) gets SIGKILL while requests are in flight, then is
started again. Every registration the server acknowledged (its redirect to the
household page) must be in the database with all its members, and `refuge reconcile`
must find the shelters' counters equal to the ledger. One round runs in the default
suite, ten in a row under the `slow` mark.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.pages import PageForm, forms_on
from tests.scratch import ScratchDatabase, loaded

SETUP = """
import json
from collections import Counter
from django.utils import translation
from refuge.geo.models import Region, Settlement
from refuge.geo.selectors import settlement_label
from refuge.operations.selectors import coverage_start
from refuge.registry.models import ReceptionPoint
from refuge.reports.selectors import operation_named
translation.activate("en")
op = operation_named(None)
settlements = Settlement.objects.select_related("district")
counts = Counter(settlement_label(s) for s in settlements)
covered = sorted(settlement_label(s) for s in settlements.filter(pk__in=coverage_start(op)))
point = ReceptionPoint.objects.filter(operation=op, region=op.affected_region).order_by("pk")[0]
region = Region.objects.filter(country="RU").exclude(pk=op.affected_region_id).order_by("pk")[0]
print(json.dumps({"point": point.pk, "region": region.pk,
                  "origins": [c for c in covered if counts[c] == 1][:20]}))
"""
STORED = """
import json, sys
from django.db.models import Count
from refuge.registry.models import Household
wanted = json.loads(sys.stdin.read())
print(json.dumps(dict(Household.objects.filter(pk__in=wanted).annotate(n=Count("members"))
                      .values_list("pk", "n"))))
"""
FAMILIES = ["Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олейник", "Шевченко"]
GIVEN = [("Тамара", "F"), ("Олег", "M"), ("Нина", "F"), ("Богдан", "M"), ("Зинаида", "F")]
DESKS = 3


class Browser:
    """One browser: cookies, and a fresh connection per request (the server may be gone)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.update({k: m.value for k, m in SimpleCookie(header).items()})
        return response.status, response.getheader("Location", ""), text


@dataclass
class Desk:
    number: int
    acknowledged: dict[int, int] = field(default_factory=dict)  # household id -> members
    failures: list[str] = field(default_factory=list)


def household(desk: int, n: int, setup: dict) -> dict[str, str]:
    size = 1 if n % 3 == 0 else (8 if n % 3 == 1 else 3)  # a household of one, of eight, of three
    family = FAMILIES[(desk + n) % len(FAMILIES)]
    typed = {
        "origin": setup["origins"][n % len(setup["origins"])],
        "phone": f"+7910{desk:02d}{n:05d}",
        "mode": "own",
        "destination": "relatives",
        "destination_region": str(setup["region"]),
        "destination_address": f"ул. Ленина, д. {n % 120 + 1}",
    }
    for i in range(size):
        given, sex = GIVEN[(n + i) % len(GIVEN)]
        typed |= {
            f"m-{i}-family_name": family,
            f"m-{i}-given_name": given,
            f"m-{i}-sex": sex,
            f"m-{i}-birth_date": f"{1948 + (desk * 97 + n * 7 + i) % 70}-03-14",
        }
    return typed


def form_with(page: str, field_name: str) -> PageForm:
    """The page's form that has this field (the desk's forms post to their own URL)."""
    [form] = [f for f in forms_on(page) if field_name in dict(f.fields)]
    return form


def _row_beyond(name: str, rows: int) -> bool:
    found = re.match(r"m-(\d+)-", name)
    return bool(found) and int(found.group(1)) >= rows


def register(browser: Browser, typed: dict[str, str]) -> int | None:
    """The household's id once the server acknowledged it, else None."""
    _, _, page = browser.request("GET", "/desk/register/")
    form = form_with(page, "idempotency_key")
    rows = sum(1 for name in typed if name.endswith("-family_name"))
    fields = form.data(button="register", **typed)
    # Only the household's rows: blank rendered rows are refused on this branch's desk
    # (another branch mends that); the crash, not the form, is under test here.
    fields = {k: v for k, v in fields.items() if not _row_beyond(k, rows)}
    fields["m-TOTAL_FORMS"] = str(rows)
    status, location, page = browser.request("POST", "/desk/register/", fields)
    if status == 200 and 'name="confirm"' in page:  # possible duplicates: save anyway
        form = form_with(page, "idempotency_key")
        again = form.data(button="confirm", **typed)  # the page's hidden fields, as typed
        again = {k: v for k, v in again.items() if not _row_beyond(k, rows)}
        again["m-TOTAL_FORMS"] = str(rows)
        status, location, page = browser.request("POST", "/desk/register/", again)
    if status == 302 and "/desk/households/" in location:
        return int(location.rstrip("/").rsplit("/", 1)[1])
    errors = re.findall(r'id="([^"]+)-error"[^>]*>([^<]+)<', page)
    raise AssertionError(f"registration answered {status}: {errors or page[-300:]}")


def sign_in(browser: Browser, username: str, password: str) -> None:
    _, _, page = browser.request("GET", "/accounts/login/")
    form = form_with(page, "username")
    status, _, _ = browser.request(
        "POST", "/accounts/login/", form.data(username=username, password=password)
    )
    assert status == 302, "the registrar could not sign in"


def run_desk(
    desk: Desk, port: int, login: tuple[str, str], setup: dict, stop: threading.Event
) -> None:
    browser = Browser(port)
    try:
        sign_in(browser, *login)
        n = 0
        while not stop.is_set():
            typed = household(desk.number, n, setup)
            pk = register(browser, typed)
            if pk is not None:
                desk.acknowledged[pk] = sum(1 for k in typed if k.endswith("-family_name"))
            n += 1
    except (OSError, http.client.HTTPException):
        pass  # the server was killed under this request: it was never acknowledged
    except Exception as e:  # noqa: BLE001  (reported by the test, not lost in the thread)
        desk.failures.append(f"{type(e).__name__}: {e}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: ScratchDatabase, port: int) -> subprocess.Popen[str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "refuge", "serve", "--port", str(port), "--workers", "2"],
        env=db.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while True:
        try:
            if Browser(port).request("GET", "/accounts/login/")[0] == 200:
                return server
        except OSError:
            pass
        assert server.poll() is None, "the server exited while starting"
        assert time.monotonic() < deadline, "the server did not start in 90 s"
        time.sleep(0.3)


def kill_server(server: subprocess.Popen[str]) -> None:
    os.killpg(server.pid, signal.SIGKILL)  # master and workers at once, as a power cut would
    server.wait(30)


def stored(db: ScratchDatabase, ids: list[int]) -> dict[int, int]:
    done = subprocess.run(
        [sys.executable, "-m", "refuge", "shell", "-c", STORED],
        env=db.env, input=json.dumps(ids), capture_output=True, text=True, check=True,
    )  # fmt: skip
    return {int(k): v for k, v in json.loads(done.stdout.strip().splitlines()[-1]).items()}


def crash_rounds(tmp_path: Path, rounds: int) -> None:
    db = loaded(tmp_path, "--scale", "0.01")
    try:
        setup = json.loads(db.refuge("shell", "-c", SETUP).stdout.strip().splitlines()[-1])
        logins = [(f"registrar-{1_000_000 + i}", f"Курск-2024-пароль-{i}") for i in range(DESKS)]
        for username, password in logins:
            db.env["REFUGE_PASSWORD"] = password
            db.refuge("createuser", username, "--role", "registrar",
                      "--reception-point", str(setup["point"]))  # fmt: skip
        acknowledged: dict[int, int] = {}
        for round_ in range(rounds):
            port = free_port()
            server = start_server(db, port)
            stop = threading.Event()
            desks = [Desk(1000 * round_ + i) for i in range(DESKS)]
            threads = [
                threading.Thread(target=run_desk, args=(d, port, logins[i], setup, stop))
                for i, d in enumerate(desks)
            ]
            for t in threads:
                t.start()
            deadline = time.monotonic() + 120
            while sum(len(d.acknowledged) for d in desks) < 2 * DESKS:
                assert time.monotonic() < deadline, "no registrations in 120 s"
                assert not any(d.failures for d in desks), [d.failures for d in desks]
                time.sleep(0.05)
            kill_server(server)  # with the desks' next requests in flight
            stop.set()
            for t in threads:
                t.join(90)
            assert not any(d.failures for d in desks), [d.failures for d in desks]
            for d in desks:
                acknowledged |= d.acknowledged
            assert stored(db, list(acknowledged)) == acknowledged, f"round {round_ + 1}"
            reconcile = db.refuge("reconcile", check=False)
            assert reconcile.returncode == 0, reconcile.stdout + reconcile.stderr
        # After the last kill the server comes back and registers again.
        port = free_port()
        server = start_server(db, port)
        try:
            browser = Browser(port)
            sign_in(browser, *logins[0])
            assert register(browser, household(999, 1, setup)) is not None
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
    finally:
        db.drop()


def test_a_killed_server_keeps_every_registration_it_acknowledged(tmp_path: Path) -> None:
    crash_rounds(tmp_path, rounds=1)


@pytest.mark.slow
def test_ten_kills_in_a_row_lose_nothing(tmp_path: Path) -> None:
    crash_rounds(tmp_path, rounds=10)
