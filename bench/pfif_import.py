"""Time `refuge pfif import FEED.xml` of a partner's feed into a loaded registry; print JSON.

    .venv/bin/python bench/pfif_import.py [--records 100000] [--scale 0.1]
        [--database sqlite|postgres] [--src OTHER/src]

A fresh database is migrated, loaded with the Kursk-2024 scenario at --scale and indexed
for the duplicate check, so the import's matching step has a registry to search. The
feed is a partner's PFIF 1.4 file of --records persons drawn by the linkage generator
(`core.linkage.generator`: Cyrillic and Latin spellings, namesakes, partial birth
dates, the same person sent twice), each with a note. The figure is the wall time of
the import command as a whole process (parsing, storing, matching), with its peak RSS.
--src runs another checkout's sources (the code before a change) for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from scratchdb import scratch_env

from refuge.core import pfif
from refuge.core.linkage.generator import generate
from refuge.core.linkage.records import PersonRecord

# Sent ten days ago, so nothing has expired when the import runs.
SENT = datetime.now(UTC).replace(microsecond=0) - timedelta(days=10)


def feed_record(index: int, typed: PersonRecord) -> pfif.PersonRecord:
    born = typed.birth_date
    record_id = f"poisk.partner.example/{typed.record_id}"
    entry = SENT + timedelta(seconds=index)
    return pfif.PersonRecord(
        person_record_id=record_id,
        entry_date=entry,
        expiry_date=entry + timedelta(days=365),
        author_name="Поиск",
        source_name="poisk.partner.example",
        source_date=entry,
        full_name=" ".join(p for p in (typed.family_name, typed.given_name, typed.patronymic) if p),
        given_name=typed.given_name,
        family_name=typed.family_name,
        sex={"f": "female", "m": "male"}.get(typed.sex, ""),
        date_of_birth="-".join(
            f"{v:02d}" for v in (born.year, born.month, born.day) if v is not None
        )
        if born
        else "",
        home_city=typed.settlement,
        home_country="RU",
        notes=(
            pfif.Note(
                note_record_id=f"poisk.partner.example/note.{typed.record_id}",
                person_record_id=record_id,
                entry_date=entry,
                author_name="Поиск",
                status="information_sought" if index % 3 else "believed_alive",
                text="Ищут родственники, звонить на горячую линию.",
            ),
        ),
    )


def write_feed(path: Path, records: int, seed: int) -> int:
    typed = generate(records, seed=seed).records[:records]
    with path.open("wb") as out:
        return pfif.write((feed_record(i, r) for i, r in enumerate(typed)), out)


def run(args: list[str], env: dict[str, str]) -> str:
    return subprocess.run(
        [sys.executable, "-m", "refuge", *args], env=env, check=True, capture_output=True, text=True
    ).stdout


# The import runs under a small parent of its own, so its peak RSS is not mixed with the
# scenario load's (ru_maxrss of children is the largest child so far).
MEASURED = (
    "import resource, subprocess, sys;"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
    "sys.stdout.write(done.stdout); sys.stderr.write(done.stderr);"
    "used = resource.getrusage(resource.RUSAGE_CHILDREN);"
    "print(used.ru_maxrss, used.ru_utime + used.ru_stime, file=sys.stderr);"
    "sys.exit(done.returncode)"
)


def measured(args: list[str], env: dict[str, str]) -> tuple[str, int, float]:
    """Output, peak RSS in kB and CPU seconds of `refuge ARGS`."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, sys.executable, "-m", "refuge", *args],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(done.stderr)
    peak_kb, cpu = done.stderr.strip().splitlines()[-1].split()
    return done.stdout, int(peak_kb), float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--src", help="the sources to run the import with (default: these)")
    opts = parser.parse_args()
    with scratch_env(opts.database) as (env, tmp):
        run(["migrate", "--verbosity", "0"], env)
        run(["scenario", "load", "kursk-2024", "--scale", str(opts.scale)], env)
        run(["tracing", "index"], env)
        feed = Path(tmp) / "feed.xml"
        count = write_feed(feed, opts.records, opts.seed)
        if opts.src:
            env["PYTHONPATH"] = str(Path(opts.src).resolve())
        feed_bytes = feed.stat().st_size
        started = time.perf_counter()
        printed, peak_kb, cpu_seconds = measured(["pfif", "import", str(feed)], env)
        seconds = time.perf_counter() - started
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    print(
        json.dumps(
            {
                "bench": "pfif_import",
                "date": date.today().isoformat(),
                "commit": commit,
                "src": opts.src or "this checkout",
                "machine": f"{os.cpu_count()} cores, {platform.machine()}, "
                f"Python {platform.python_version()}",
                "database": opts.database,
                "registry_scale": opts.scale,
                "records": count,
                "feed_mb": round(feed_bytes / 2**20, 1),
                "seconds": round(seconds, 1),
                # On a shared machine wall time includes waiting for a core; CPU time does not.
                "cpu_seconds": round(cpu_seconds, 1),
                "load_average": os.getloadavg()[0],
                "peak_rss_mb": round(peak_kb / 1024),
                "printed": printed.strip().splitlines(),
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
