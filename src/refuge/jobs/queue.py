"""A job queue kept in the database, on the embedded SQLite as on PostgreSQL.

Imports, scans and large exports run outside the request, in `refuge jobs work`
processes. The whole API:

    from refuge.jobs import queue

    @queue.kind("imports.households")          # in any installed app's `jobs.py`
    def import_households(job: Job) -> dict | None:
        job.progress(0, total)                 # done / total; also renews the lease
        job.log("batch 3 of 40 saved")         # a line the page and `refuge jobs show` print
        ...                                    # raise to fail this attempt (retried)
        return {"households": 812}             # kept as job.result

    job = queue.enqueue("imports.households", {"upload": 17}, created_by=user)
    queue.get(job.pk).percent                  # 0..100, for a progress bar

A worker claims the oldest claimable job: queued, or running with its lease passed
(its worker died: `kill -9`, power cut). On PostgreSQL the claim is a
`SELECT … FOR UPDATE SKIP LOCKED`, so workers never wait on each other; SQLite has no
row locks, so the claim is a compare-and-set UPDATE on the job's attempt number, which
one writer at a time makes exact. A running job's lease is renewed every third of
`REFUGE_JOB_LEASE_SECONDS` (default 60) by the worker's heartbeat thread and on every
`progress()`. A job retried after a lost worker starts its function again with the
`done` it had reached, so kinds must be resumable: commit each batch together with
what marks it done (the import apply does). After `max_attempts` claims a job fails.

A failed attempt is retried at once, unless the function raised `RetryLater(message,
delay)`: then the job waits `delay` seconds (`Job.run_after`) before a worker may claim
it again, which is how a kind backs off (webhook deliveries do, exponentially).
`enqueue(..., run_after=T)` delays a first attempt the same way.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from refuge.jobs.models import Job, JobLog

JobFunction = Callable[[Job], dict[str, Any] | None]
_KINDS: dict[str, JobFunction] = {}
#: called with each job's progress in this process (`refuge jobs work` draws its bar)
_WATCHERS: list[Callable[[Job], None]] = []


class LeaseLost(Exception):
    """Another worker holds the job now: this one must stop writing to it."""


class RetryLater(Exception):
    """This attempt failed; try again no sooner than `delay` seconds from now."""

    def __init__(self, message: str, delay: float) -> None:
        super().__init__(message)
        self.delay = max(0.0, float(delay))


def lease_seconds() -> int:
    return max(1, int(os.environ.get("REFUGE_JOB_LEASE_SECONDS", "60")))


def kind(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register a function as the job kind `name`."""

    def register(function: JobFunction) -> JobFunction:
        _KINDS[name] = function
        return function

    return register


def kinds() -> dict[str, JobFunction]:
    discover()
    return dict(_KINDS)


def discover() -> None:
    autodiscover_modules("jobs")


def enqueue(
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    total: int = 0,
    created_by: Any = None,
    max_attempts: int = 5,
    run_after: Any = None,
) -> Job:
    return Job.objects.create(
        kind=kind,
        payload=payload or {},
        total=total,
        created_by=created_by,
        max_attempts=max_attempts,
        run_after=run_after,
    )


def get(pk: int) -> Job:
    return Job.objects.get(pk=pk)


def _claimable(now: Any) -> Any:
    from django.db.models import Q

    due = Q(run_after__isnull=True) | Q(run_after__lte=now)
    return Job.objects.filter(
        (Q(state=Job.State.QUEUED) & due) | Q(state=Job.State.RUNNING, lease_until__lt=now)
    ).order_by("pk")


def claim(worker: str) -> Job | None:
    """Take the oldest claimable job for `worker`, or None when there is none."""
    while True:
        now = timezone.now()
        with transaction.atomic():
            candidates = _claimable(now)
            if connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            job = candidates.first()
            if job is None:
                return None
            same = Job.objects.filter(pk=job.pk, state=job.state, attempts=job.attempts)
            if job.attempts >= job.max_attempts:
                same.update(
                    state=Job.State.FAILED,
                    finished_at=now,
                    error=job.error or f"gave up after {job.attempts} attempts",
                )
                continue
            taken = same.update(
                state=Job.State.RUNNING,
                attempts=job.attempts + 1,
                worker=worker,
                lease_until=now + timedelta(seconds=lease_seconds()),
                started_at=job.started_at or now,
            )
        if taken:
            job.refresh_from_db()
            return job


def _mine(job: Job) -> Any:
    return Job.objects.filter(pk=job.pk, worker=job.worker, attempts=job.attempts)


def progress(job: Job, done: int, total: int | None = None) -> None:
    job.done = done
    if total is not None:
        job.total = total
    fields: dict[str, Any] = {
        "done": job.done,
        "total": job.total,
        "lease_until": timezone.now() + timedelta(seconds=lease_seconds()),
    }
    if not _mine(job).filter(state=Job.State.RUNNING).update(**fields):
        raise LeaseLost(f"job {job.pk} was taken over")
    for watcher in _WATCHERS:
        watcher(job)


@contextmanager
def watching(watcher: Callable[[Job], None]) -> Iterator[None]:
    """Call `watcher(job)` on every progress() of the jobs this process runs meanwhile."""
    _WATCHERS.append(watcher)
    try:
        yield
    finally:
        _WATCHERS.remove(watcher)


def log(job: Job, message: str) -> None:
    JobLog.objects.create(job=job, attempt=job.attempts, message=message)


def _heartbeat(job: Job, stop: threading.Event) -> None:
    try:
        while not stop.wait(lease_seconds() / 3):
            try:
                _mine(job).filter(state=Job.State.RUNNING).update(
                    lease_until=timezone.now() + timedelta(seconds=lease_seconds())
                )
            except Exception:  # a busy SQLite writer: the next beat tries again
                continue
    finally:
        connection.close()


def run(job: Job, *, heartbeat: bool = True) -> Job:
    """Run a claimed job to its end (done, or queued again / failed on an error).

    `heartbeat=False` leaves lease renewal to `progress()` (tests inside one transaction).
    """
    function = kinds().get(job.kind)
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(job, stop), daemon=True)
    if heartbeat:
        beat.start()
    try:
        if function is None:
            raise LookupError(f"no job kind {job.kind!r}")
        log(job, f"attempt {job.attempts} started by {job.worker}")
        result = function(job) or {}
    except LeaseLost:
        return job
    except Exception as error:
        stop.set()
        last = "".join(traceback.format_exception_only(error)).strip()
        again = job.attempts < job.max_attempts and function is not None
        delay = error.delay if isinstance(error, RetryLater) else 0.0
        _mine(job).update(
            state=Job.State.QUEUED if again else Job.State.FAILED,
            lease_until=None,
            run_after=timezone.now() + timedelta(seconds=delay) if again and delay else None,
            error=last,
            finished_at=None if again else timezone.now(),
        )
        log(job, f"attempt {job.attempts} failed: {last}")
    else:
        stop.set()
        _mine(job).update(
            state=Job.State.DONE,
            result=result,
            done=job.total or job.done,
            lease_until=None,
            finished_at=timezone.now(),
        )
        log(job, "done")
    finally:
        stop.set()
        if heartbeat:
            beat.join()
    job.refresh_from_db()
    return job


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def work(*, until_empty: bool = False, poll: float = 2.0, limit: int | None = None) -> int:
    """Claim and run jobs; return how many ran. `until_empty` stops when none is left."""
    discover()
    name, ran = worker_name(), 0
    while limit is None or ran < limit:
        close_old_connections()
        job = claim(name)
        if job is None:
            if until_empty:
                break
            time.sleep(poll)
            continue
        run(job)
        ran += 1
    return ran


def waiting(now: Any = None) -> tuple[int, float]:
    """How many jobs a worker could claim now, and how long the one due longest has
    waited for a worker, in seconds (0 when none waits): /healthz and /metrics.

    A queued job waits from when it became due: its `run_after` (a delayed first attempt,
    or a retry's backoff) if it has one, else its creation; a running job whose lease
    passed waits from the end of its lease.
    """
    from django.db.models import Case, Count, F, Min, Q, When

    now = now or timezone.now()
    row = (
        _claimable(now)
        .order_by()
        .aggregate(
            due=Count("pk"),
            since=Min(
                Case(
                    When(state=Job.State.RUNNING, then=F("lease_until")),
                    When(Q(run_after__isnull=False), then=F("run_after")),
                    default=F("created_at"),
                )
            ),
        )
    )
    since = row["since"]
    return row["due"], max(0.0, (now - since).total_seconds()) if since else 0.0
