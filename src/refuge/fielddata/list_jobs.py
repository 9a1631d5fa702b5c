"""`fielddata.list_import`: a spreadsheet list's apply as a background job.

The list is read again with the mapping the user confirmed, checked again (the
registry may have moved on since the dry run) and applied by `imports.apply`, the
Kobo import's own path: same batches, same idempotency, so a retried job adds nothing
twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.dateparse import parse_datetime

from refuge.fielddata import sheets
from refuge.fielddata.jobs import run_import
from refuge.jobs import queue
from refuge.jobs.models import Job


@queue.kind("fielddata.list_import")
def import_list(job: Job) -> dict[str, Any]:
    p = job.payload
    sheet = sheets.read_sheet(Path(p["path"]))
    mapping = sheets.Mapping.from_json(p["mapping"], sheet.header)
    at = parse_datetime(p["at"])
    assert at is not None
    return run_import(
        job,
        lambda operation, places: sheets.check(
            sheet, mapping, places, operation_id=operation.pk, at=at
        ),
    )
