"""Importing a KoboToolbox XLSX export: households per second and the import's peak RSS.

    .venv/bin/python bench/import_households.py [--households 500] [--database sqlite|postgres]
                                                [--scale 1] [--keep-db NAME] [--profile FILE]

A scratch database gets the gazetteer, the Kursk-2024 operation and one reception
point: with `--scale S` the operation is the scenario loaded at that scale (its
registry indexed, so every member is checked against it; its shelters, whose free
places the shelter-bound households take), without it an empty registry and two open
shelters. A Kobo-shaped export of `--households` submissions is written, drawn by the
population generator (core/population: household types of the border districts, names
with their real frequencies, partial birth dates, shared phones as families have them;
`realistic_rows`), then `refuge import kobo FILE
--apply` runs in its own process and is timed from start to exit (reading, the dry-run
check, the duplicate check, registration, blocking keys, ledger events, placement);
then `refuge reconcile` says whether the shelters' counters agree with the ledger.
Peak RSS is that process's own (wait4), as are its CPU seconds; on PostgreSQL the
backends serving it are sampled from /proc while it runs (`postgres_cpu_seconds`), the
other half of the work when the two take turns. The linkage model is
trained and saved in the setup, as on a running deployment. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from scratchdb import is_loaded, pg_execute, scratch_env  # noqa: E402

SETUP = """
import json
from datetime import UTC, datetime
from refuge.geo.gazetteer import load_kursk_oblast, load_regions
from refuge.operations.models import Operation
from refuge.operations.selectors import coverage_start
from refuge.registry.models import Person, ReceptionPoint
from refuge.scenario.kursk2024 import _operation
from refuge.shelters.actions import do_change_status
from refuge.shelters.models import Shelter, Status
op = Operation.objects.first()
if op is None:
    load_regions(); load_kursk_oblast(); op = _operation()
    for name, lat, capacity, access in (("ПВР, школа №5, Курск", 51.73, 3000, False),
                                        ("ПВР, санаторий «Орловский», Орёл", 52.97, 9000, True)):
        s = Shelter.objects.create(operation=op, name=name, kind="school", capacity=capacity,
                                   region=op.affected_region, address=name, lat=lat, lon=36.19,
                                   wheelchair_access=access)
        do_change_status(shelter=s, status=Status.OPEN, at=datetime(2024, 8, 6, tzinfo=UTC),
                         reason="opened")
# A running deployment has its linkage model trained and saved (tracing/model.py); the
# first check of a fresh data directory trains it, which is not the import's time.
from refuge.tracing.model import desk_model
desk_model()
point = ReceptionPoint.objects.create(operation=op, name="Курск, вокзал (импорт)",
                                      region=op.affected_region, lat=51.74, lon=36.19)
print(json.dumps({"point": point.pk, "origins": sorted(coverage_start(op))[:30],
                  "registry": Person.objects.count(),
                  "free": sum(s.free for s in Shelter.objects.filter(status=Status.OPEN))}))
"""

AFTER = """
import json
from refuge.movements.models import Movement
from refuge.tracing.models import DuplicateCandidate
from django.db.models import Q
mine = dict(household__reception_point_id=POINT)
print(json.dumps({
    "places_reserved": Movement.objects.filter(kind="assigned", **mine).count(),
    "pairs_queued": DuplicateCandidate.objects.filter(
        Q(left__household__reception_point_id=POINT)
        | Q(right__household__reception_point_id=POINT)).count(),
}))
"""


def realistic_rows(n: int, origins: list[str], point: str, seed: int = 12) -> list:  # type: ignore[type-arg]
    """Submissions as a reception point's tablets collect them: the population generator's
    households (real name frequencies, so namesakes as often as in life, not the test
    generator's seven families and five given names, which made every household a
    namesake of hundreds), each member's birth date as precise as it is known."""
    from refuge.core.population.households import HouseholdMaker
    from refuge.fielddata.tests.exportfiles import Household

    rng = random.Random(seed)
    maker = HouseholdMaker(random.Random(seed + 1))
    rows = []
    for _ in range(n):
        made = maker.make()
        members = [
            {
                "family_name": m.family_name,
                "given_name": m.given_name,
                "patronymic": m.patronymic,
                "sex": m.sex,
                "birth_date": ".".join(
                    f"{part:02d}" for part in (m.birth_day, m.birth_month) if part is not None
                )
                + ("." if m.birth_month else "")
                + str(m.birth_year),
                "needs": " ".join(sorted(m.needs)),
            }
            for m in made.members
        ]
        day, minute = rng.randint(7, 20), rng.randint(0, 12 * 60 - 1)
        rows.append(
            Household(
                key=uuid.UUID(int=rng.getrandbits(128), version=4),
                origin=rng.choice(origins),
                point=point,
                submitted=f"2024-08-{day:02d}T{8 + minute // 60:02d}:{minute % 60:02d}:00",
                members=members,
                size=str(made.size),
                values={"phone": made.phone},
            )
        )
    return rows


class BackendCPU:
    """The CPU seconds of the PostgreSQL backends connected to `database`, sampled from
    /proc every quarter second while the import runs (the server on this machine). A
    backend's last quarter second before it exits is not counted."""

    def __init__(self, database: str) -> None:
        self.database, self.seconds = database, {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        while not self.stop.wait(0.25):
            rows = pg_execute(
                f"SELECT pid FROM pg_stat_activity WHERE datname = '{self.database}' "
                "AND pid <> pg_backend_pid()"
            )
            for (pid,) in rows:
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                self.seconds[pid] = (int(fields[11]) + int(fields[12])) / tick

    def total(self) -> float:
        self.stop.set()
        self.thread.join()
        return round(sum(self.seconds.values()), 2)


def load_scenario(env: dict[str, str], scale: float) -> None:
    refuge(env, "migrate", "--verbosity", "0")
    if scale:
        refuge(env, "scenario", "load", "kursk-2024", "--scale", str(scale))
        refuge(env, "tracing", "index")
        # A deployment's registry has been vacuumed and analysed by autovacuum long
        # before an import; a copy made the moment the load ends has neither (no
        # planner statistics, no visibility map), so every run paid for that instead.
        if env.get("DATABASE_URL"):
            pg_execute("VACUUM (ANALYZE)", env["DATABASE_URL"].rsplit("/", 1)[-1])


def refuge(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "refuge", *args], env=env, capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--households", type=int, default=500)
    p.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--scale", type=float, default=0, help="load kursk-2024 at this scale first")
    p.add_argument("--profile", type=Path, help="run the import under cProfile, stats to FILE")
    p.add_argument(
        "--keep-db",
        help="PostgreSQL database kept with the --scale scenario loaded and indexed (made "
        "when absent); each run imports into a copy of it",
    )
    args = p.parse_args()
    from refuge.fielddata.tests import exportfiles

    if args.keep_db and not is_loaded(args.keep_db):
        with scratch_env("postgres", keep=args.keep_db) as (env, _):
            load_scenario(env, args.scale)
    with scratch_env(args.database, template=args.keep_db) as (env, tmp):
        if not args.keep_db:
            load_scenario(env, args.scale)
        else:  # the copy at the code's migrations (the kept load may predate some)
            refuge(env, "migrate", "--verbosity", "0")
        setup = json.loads(refuge(env, "shell", "-v", "0", "-c", SETUP))
        rows = realistic_rows(
            args.households, [f"s{pk}" for pk in setup["origins"]], f"p{setup['point']}"
        )
        export = exportfiles.kobo_xlsx(Path(tempfile.mkdtemp(dir=tmp)) / "kobo.xlsx", rows)
        database = env.get("DATABASE_URL", "").rsplit("/", 1)[-1]
        backend = BackendCPU(database) if args.database == "postgres" else None
        start = time.perf_counter()
        worker = subprocess.Popen(
            [sys.executable, *(["-m", "cProfile", "-o", str(args.profile)] if args.profile else []),
             "-m", "refuge", "import", "kobo", str(export), "--apply"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _, status, usage = os.wait4(worker.pid, 0)
        seconds = time.perf_counter() - start
        postgres_cpu = backend.total() if backend else None
        assert status == 0, status
        after = json.loads(
            refuge(env, "shell", "-v", "0", "-c", AFTER.replace("POINT", str(setup["point"])))
        )
        # The shelters' counters against the ledger after the import (exit 1 if they disagree).
        after["reconcile"] = refuge(env, "reconcile").strip().splitlines()[-1]
    load = os.getloadavg()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    print(
        json.dumps(
            {
                "bench": "import_households",
                "database": args.database,
                "scale": args.scale,
                "registry_persons_before": setup["registry"],
                "free_places_before": setup["free"],
                **after,
                "households": args.households,
                "persons": sum(len(h.members) for h in rows),
                "seconds": round(seconds, 2),
                "households_per_s": round(args.households / seconds, 1),
                # The import process's own CPU (user + system), PostgreSQL's not counted:
                # on a machine shared with other work the wall time says more about them.
                "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
                "postgres_cpu_seconds": postgres_cpu,
                "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)",
                "commit": commit,
                "load_average": [round(x, 2) for x in load],
            }
        )
    )


if __name__ == "__main__":
    main()
