"""Files that jobs make for a user (large exports), kept under REFUGE_DATA_DIR/job-files.

Such a file holds personal data, so it lives only as long as it is useful: `refuge jobs
purge` (hourly from cron, docs/OPERATIONS.md) deletes each one
`REFUGE_JOB_FILE_RETENTION_HOURS` (default 24) after its job finished, and anything else
left in the folder (a half-written file of a lost worker) once it is that old. The name
is the job's number only, never what the file holds, and the folder is the server's
user's alone (0700). The job's result keeps the name under "file"; a purge blanks it and
notes when, so the page can say the file is gone rather than fail.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.utils import timezone

from refuge.jobs.models import Job


def folder() -> Path:
    path = Path(settings.DATA_DIR) / "job-files"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def retention() -> timedelta:
    return timedelta(hours=float(settings.JOB_FILE_RETENTION_HOURS))


def name_for(job: Job, suffix: str) -> str:
    return f"job-{job.pk}.{suffix}"


@contextmanager
def writing(job: Job, suffix: str) -> Iterator[BinaryIO]:
    """A file to write the job's output into; it takes its final name only when whole.

    A second attempt (after a lost worker) writes it afresh over what the first left."""
    final = folder() / name_for(job, suffix)
    part = final.with_name(final.name + ".part")
    with open(part, "wb") as out:
        yield out
    os.replace(part, final)


def stored(job: Job) -> Path | None:
    """The job's file, while it is kept; None once purged (or never made)."""
    name = (job.result or {}).get("file") or ""
    if not name or name != Path(name).name:
        return None
    path = folder() / name
    return path if path.is_file() else None


def purge(*, older_than: timedelta | None = None, now: datetime | None = None) -> int:
    """Delete job files older than the retention; return how many were deleted."""
    now = now or timezone.now()
    cutoff = now - (retention() if older_than is None else older_than)
    deleted = 0
    expired = Job.objects.filter(finished_at__lt=cutoff, result__has_key="file")
    for job in expired.only("pk", "result"):
        path = stored(job)
        if path is not None:
            path.unlink(missing_ok=True)
            deleted += 1
        Job.objects.filter(pk=job.pk).update(
            result={**_without_file(job.result), "purged_at": now.isoformat()}
        )
    # Whatever else is there that old: a lost attempt's .part, a job deleted since.
    for path in folder().iterdir():
        if path.is_file() and path.stat().st_mtime < time.time() - (now - cutoff).total_seconds():
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


def _without_file(result: dict) -> dict:  # type: ignore[type-arg]
    return {k: v for k, v in result.items() if k != "file"}
