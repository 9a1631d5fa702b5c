"""`fielddata.list_import`: a spreadsheet list's apply as a background job.

The list is read again with the mapping the user confirmed, checked again (the
registry may have moved on since the dry run) and applied by `imports.apply`, the
Kobo import's own path: same batches, same idempotency, so a retried job adds nothing
twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.dateparse import parse_datetime

from refuge.accounts.models import Membership
from refuge.accounts.scope import Actor
from refuge.fielddata import imports, sheets
from refuge.jobs import queue
from refuge.jobs.models import Job
from refuge.operations.models import Operation
from refuge.registry.models import ReceptionPoint


@queue.kind("fielddata.list_import")
def import_list(job: Job) -> dict[str, Any]:
    p = job.payload
    operation = Operation.objects.get(pk=p["operation"])
    user = get_user_model().objects.filter(pk=p.get("user")).first()
    membership = Membership.objects.filter(pk=p.get("membership")).first()
    points = ReceptionPoint.objects.filter(operation=operation, pk__in=p["points"])
    sheet = sheets.read_sheet(Path(p["path"]))
    mapping = sheets.Mapping.from_json(p["mapping"], sheet.header)
    at = parse_datetime(p["at"])
    assert at is not None
    report = sheets.check(
        sheet, mapping, imports.Places.of(operation, points), operation_id=operation.pk, at=at
    )
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
