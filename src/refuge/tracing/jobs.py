"""Tracing's long runs as background jobs: `tracing.index` and `tracing.scan`.

The command line (`refuge tracing index|scan`) runs them in the foreground; a deployment
queues them (`queue.enqueue("tracing.scan", {"operation": pk})`) for a `refuge jobs work`
process. Both are safe to run again after a lost worker: indexing skips persons with
keys, and the scan's pairs join the queue once (one row per pair).
"""

from __future__ import annotations

from typing import Any

from refuge.jobs import queue
from refuge.jobs.models import Job
from refuge.operations.models import Operation
from refuge.tracing import keys
from refuge.tracing.actions import do_scan_registry


@queue.kind("tracing.index")
def index(job: Job) -> dict[str, Any]:
    total = keys.index_all(progress=lambda done, of: queue.progress(job, done, of))
    queue.log(job, f"indexed {total} persons")
    return {"indexed": total}


@queue.kind("tracing.scan")
def scan(job: Job) -> dict[str, Any]:
    operation = Operation.objects.get(pk=job.payload["operation"])
    result = do_scan_registry(
        operation=operation,
        auto_merge=bool(job.payload.get("auto_merge")),
        progress=lambda done, total: queue.progress(job, done, total),
    )
    queue.log(
        job,
        f"{result.persons} persons scanned, {result.pairs_found} pairs at or above review, "
        f"{result.pairs_new} new in the queue, {result.merged} merged automatically",
    )
    return {
        "persons": result.persons,
        "pairs_found": result.pairs_found,
        "pairs_new": result.pairs_new,
        "merged": result.merged,
    }
