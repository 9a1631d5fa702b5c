"""`refuge dedupe` with the Spark engine beside the default (DuckDB) engine, printed as JSON.

The generated records are written to a CSV once (not timed); each engine then runs the
whole command as a user would (`python -m refuge dedupe IN.csv --out … --pairs …
--engine …`) in its own process. Wall time is the command's; peak memory is the largest
sum of resident memory over the command's process tree, sampled every 0.2 s: the Python
driver, and for Spark the JVM and its Python workers too. The Spark run writes an event
log, from which the JSON gives how the job split: per stage the tasks (partitions), the
shuffle bytes read and written and the task time, and the tasks per executor. Both
engines' cluster and pair files are compared byte for byte.

    .venv/bin/python bench/linkage_spark.py --records 1000000 --master 'local[2]'
    .venv/bin/python bench/linkage_spark.py --records 20000       # smoke run
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from refuge.core.linkage.generator import generate

COLUMNS = (
    "id", "given_name", "patronymic", "family_name", "sex", "birth_date", "phone",
    "document_number", "settlement", "address", "postcode",
)  # fmt: skip


def write_input(path: Path, records: int, seed: int) -> None:
    data = generate(records, seed=seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for r in data.records:
            writer.writerow(
                [r.record_id, r.given_name, r.patronymic, r.family_name, r.sex,
                 str(r.birth_date) if r.birth_date else "", r.phone, r.document_number,
                 r.settlement, r.address, r.postcode]
            )  # fmt: skip


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(parent, []).append(int(entry))
    return tree


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(root: int) -> int:
    """Resident memory of `root` and all its descendants, in bytes."""
    tree, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss_bytes(pid)
        todo.extend(tree.get(pid, []))
    return total


def run(command: list[str], env: dict[str, str]) -> dict[str, Any]:
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        sys.stderr.write(err.decode("utf-8", "replace"))
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode})")
    return {
        "seconds": round(seconds, 1),
        "peak_rss_gib_process_tree": round(peak / 2**30, 2),
        "summary": out.decode("utf-8").strip(),
    }


def split_from_event_log(directory: Path) -> dict[str, Any]:
    """Per stage: tasks, shuffle read/write bytes, task seconds; tasks per executor."""
    # Spark 4 writes rolling logs (a directory per application, events_N_* files in it).
    logs = sorted(p for p in directory.rglob("*") if p.is_file() and "events" in p.name)
    logs += sorted(p for p in directory.iterdir() if p.is_file())
    stages: dict[int, dict[str, Any]] = {}
    executors: dict[str, int] = {}
    names: dict[int, str] = {}
    for path in logs:
        for line in path.read_text(encoding="utf-8").splitlines():
            event = json.loads(line)
            kind = event.get("Event")
            if kind == "SparkListenerJobStart":
                what = (event.get("Properties") or {}).get("spark.job.description", "")
                for stage_id in event.get("Stage IDs", []):
                    names.setdefault(stage_id, what)
            if kind != "SparkListenerTaskEnd":
                continue
            metrics = event.get("Task Metrics") or {}
            read = metrics.get("Shuffle Read Metrics") or {}
            write = metrics.get("Shuffle Write Metrics") or {}
            stage = stages.setdefault(
                event["Stage ID"],
                {"tasks": 0, "shuffle_read_mib": 0.0, "shuffle_write_mib": 0.0, "task_s": 0.0},
            )
            stage["tasks"] += 1
            stage["shuffle_read_mib"] += (
                read.get("Remote Bytes Read", 0) + read.get("Local Bytes Read", 0)
            ) / 2**20
            stage["shuffle_write_mib"] += write.get("Shuffle Bytes Written", 0) / 2**20
            stage["task_s"] += metrics.get("Executor Run Time", 0) / 1000
            executor = event["Task Info"]["Executor ID"]
            executors[executor] = executors.get(executor, 0) + 1
    rows = []
    for stage_id in sorted(stages):
        row = {"stage": stage_id, "name": names.get(stage_id, "")}
        row.update(
            {k: round(v, 1) if isinstance(v, float) else v for k, v in stages[stage_id].items()}
        )
        rows.append(row)
    return {
        "stages": rows,
        "tasks": sum(s["tasks"] for s in stages.values()),
        "shuffle_read_mib": round(sum(s["shuffle_read_mib"] for s in stages.values()), 1),
        "shuffle_write_mib": round(sum(s["shuffle_write_mib"] for s in stages.values()), 1),
        "task_seconds": round(sum(s["task_s"] for s in stages.values()), 1),
        "tasks_per_executor": executors,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Spark engine vs default engine (JSON).")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="3g")
    parser.add_argument("--engines", default="duckdb,spark")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="refuge-bench-spark-"))
    source = work / "in.csv"
    started = time.perf_counter()
    write_input(source, args.records, args.seed)
    print(f"input written in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    events = work / "events"
    events.mkdir()
    report: dict[str, Any] = {
        "benchmark": "linkage_spark",
        "records": args.records,
        "master": args.master,
        "cpus": os.cpu_count(),
        "engines": {},
    }
    for engine in args.engines.split(","):
        env = dict(os.environ)
        command = [
            sys.executable, "-m", "refuge", "dedupe", str(source),
            "--out", str(work / f"{engine}-clusters.csv"),
            "--pairs", str(work / f"{engine}-pairs.csv"), "--engine", engine,
        ]  # fmt: skip
        if engine == "spark":
            command += ["--master", args.master, "--driver-memory", args.driver_memory]
            env["PYSPARK_SUBMIT_ARGS"] = (
                f"--conf spark.eventLog.enabled=true --conf spark.eventLog.dir=file://{events} "
                "--conf spark.eventLog.compress=false pyspark-shell"
            )
        load = os.getloadavg()
        result = run(command, env)
        result["load_average_before"] = [round(x, 2) for x in load]
        result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        if engine == "spark":
            result["split"] = split_from_event_log(events)
        report["engines"][engine] = result
        print(f"{engine}: {result['seconds']} s", file=sys.stderr)
    if len(report["engines"]) == 2:
        same = {}
        for kind in ("clusters", "pairs"):
            files = [(work / f"{e}-{kind}.csv").read_bytes() for e in report["engines"]]
            same[kind] = files[0] == files[1]
        report["same_output"] = same
    json.dump(report, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
