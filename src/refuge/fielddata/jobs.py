"""`fielddata.import`: an export's apply as a background job, with progress and a log.

The payload names the stored upload, its hash, the operation, the user and the
reception points they may import into; the job checks the file again (the registry
may have moved on since the dry run) and applies it a batch at a time. A retried job
skips the submissions already registered, so a lost worker costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model

from refuge.accounts.models import Membership
from refuge.accounts.scope import Actor
from refuge.fielddata import imports
from refuge.jobs import queue
from refuge.jobs.models import Job
from refuge.operations.models import Operation
from refuge.registry.models import ReceptionPoint


def run_import(
    job: Job, check: Callable[[Operation, imports.Places], imports.Report]
) -> dict[str, Any]:
    """Check the upload again with `check` and apply what it accepts, for any kind of
    import file: the payload's operation, user, membership and reception points, and the
    file's name and hash for the audit entry."""
    p = job.payload
    operation = Operation.objects.get(pk=p["operation"])
    user = get_user_model().objects.filter(pk=p.get("user")).first()
    membership = Membership.objects.filter(pk=p.get("membership")).first()
    points = ReceptionPoint.objects.filter(operation=operation, pk__in=p["points"])
    report = check(operation, imports.Places.of(operation, points))
    job.log(report.summary())
    created = imports.apply(
        operation=operation,
        report=report,
        actor=Actor(user=user, membership=membership),
        file_name=p["file_name"],
        file_hash=p["sha256"],
        progress=lambda done, total: job.progress(done, total),
    )
    job.log(f"{created} households registered")
    return {"registered": created, "already": report.already, "rejected": report.rejected}


@queue.kind("fielddata.import")
def import_export(job: Job) -> dict[str, Any]:
    submissions = imports.read(Path(job.payload["path"]))
    return run_import(job, lambda operation, places: imports.check(submissions, places))
