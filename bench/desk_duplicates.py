"""The registration desk's duplicate check against a large registry; print JSON.

    .venv/bin/python bench/desk_duplicates.py [--persons 122000] [--checks 2000]
        [--database-url postgres://postgres@127.0.0.1:5432/refuge_bench_dup]

A registry of `--persons` generated registrations (`core.linkage.generator`, the
corrupted synthetic Kursk population, seed 2024) is written straight into Household
and Person rows of one operation (SQLite in a temporary directory unless a database URL
is given; that database is created and dropped), indexed with `refuge tracing index`,
then `find_possible_duplicates` is timed for `--checks` arrivals: half drawn from
the registry itself, half from another sample of the population (seed 7), one member per call, each call including the
catch-up query. The model is trained and cached before timing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--persons", type=int, default=122_000)
    p.add_argument("--checks", type=int, default=2000)
    p.add_argument("--database-url")
    args = p.parse_args()
    os.environ.setdefault("REFUGE_DATA_DIR", tempfile.mkdtemp(prefix="refuge-bench-dup-"))
    if args.database_url:
        import psycopg

        base, name = args.database_url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}"')
            con.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "refuge.settings"
    import django

    django.setup()
    try:
        print(json.dumps(run(args), indent=2))
    finally:
        if args.database_url:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(f"{base}/postgres", autocommit=True) as con:
                con.execute(f'DROP DATABASE IF EXISTS "{name}"')


def run(args: argparse.Namespace) -> dict[str, object]:
    from datetime import UTC, datetime

    from django.core.management import call_command
    from django.db import connection

    from refuge.core.linkage.generator import generate
    from refuge.desks.duplicates import find_possible_duplicates
    from refuge.geo.gazetteer import load_kursk_oblast, load_regions
    from refuge.geo.models import Region, Settlement
    from refuge.operations.models import Operation
    from refuge.registry.actions import MemberData
    from refuge.registry.models import Household, Person, ReceptionPoint
    from refuge.tracing import keys
    from refuge.tracing.model import desk_model

    call_command("migrate", verbosity=0)
    load_regions()
    load_kursk_oblast()
    krs = Region.objects.get(code="RU-KRS")
    now = datetime.now(UTC)
    op = Operation.objects.create(slug="bench", name="bench", affected_region=krs, started_at=now)
    point = ReceptionPoint.objects.create(operation=op, name="P", region=krs, lat=51.7, lon=36.2)
    settlements = list(Settlement.objects.values_list("pk", flat=True))
    rng = random.Random(1)
    started = time.perf_counter()
    records = generate(args.persons, seed=2024).records
    for start in range(0, len(records), 5000):
        part = records[start : start + 5000]
        households = Household.objects.bulk_create(
            Household(
                operation=op,
                reception_point=point,
                origin_id=rng.choice(settlements),
                destination="relatives",
                registered_at=now,
                phone=r.phone,
            )  # fmt: skip
            for r in part
        )
        Person.objects.bulk_create(
            Person(
                household=h,
                given_name=r.given_name,
                patronymic=r.patronymic,
                family_name=r.family_name,
                sex={"m": "M", "f": "F"}.get(r.sex[:1].lower(), ""),
                birth_year=r.birth_date.year if r.birth_date else None,
                birth_month=r.birth_date.month if r.birth_date else None,
                birth_day=r.birth_date.day if r.birth_date and r.birth_date.month else None,
            )  # fmt: skip
            for h, r in zip(households, part, strict=True)
        )
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    indexed = keys.index_all()
    index_seconds = time.perf_counter() - started
    desk_model()
    # Half the arrivals are registered already (another registration of a registered
    # record's person, or that record itself), half are new people.
    arrivals = rng.sample(records, args.checks // 2) + generate(args.checks, seed=7).records
    arrivals = arrivals[: args.checks]
    members = [
        MemberData(
            given_name=r.given_name,
            family_name=r.family_name,
            patronymic=r.patronymic,
            birth_year=r.birth_date.year if r.birth_date else None,
            birth_month=r.birth_date.month if r.birth_date else None,
            birth_day=r.birth_date.day if r.birth_date and r.birth_date.month else None,
        )  # fmt: skip
        for r in arrivals
    ]
    find_possible_duplicates(members[:5], op)  # warm caches
    times, offered = [], 0
    for m in members:
        t = time.perf_counter()
        offered += bool(find_possible_duplicates([m], op))
        times.append((time.perf_counter() - t) * 1000)
    times.sort()

    def pct(q: float) -> float:
        return round(times[min(len(times) - 1, int(q * len(times)))], 2)

    from refuge.tracing.models import NameKey

    return {
        "what": "desks.duplicates.find_possible_duplicates, one member per call",
        "database": connection.vendor,
        "persons": args.persons,
        "name_keys": NameKey.objects.count(),
        "load_seconds": round(loaded, 1),
        "index_seconds": round(index_seconds, 1),
        "indexed": indexed,
        "checks": len(times),
        "checks_with_candidates": offered,
        "ms": {
            "p50": pct(0.5),
            "p95": pct(0.95),
            "p99": pct(0.99),
            "max": round(times[-1], 2),
            "mean": round(statistics.fmean(times), 2),
        },  # fmt: skip
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }


if __name__ == "__main__":
    main()
