"""`desks.export`: a desk list too long for one request (over EXPORT_JOB_ROWS rows),
written to a file by a worker for the coordinator who asked to download when done.

The payload holds what the page's link held (the list, the format, the filters as
numbers and codes), the coordinator (user and membership) and their language; no name of
a person. The rows are read again through the same selector and written by the same
`export.write` as the direct download, in the same language, so the file is the one the
page would have given. Run again after a lost worker, the job writes the whole file
afresh (jobs/files.py keeps a half-written one from ever carrying the final name).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import translation

from refuge.accounts.models import Membership
from refuge.accounts.scope import Actor
from refuge.desks import export, selectors
from refuge.jobs import files, queue
from refuge.jobs.models import Job


@queue.kind("desks.export")
def export_list(job: Job) -> dict[str, Any]:
    p = job.payload
    wanted = export.EXPORTS[p["export"]]
    fmt = p["fmt"]
    export.check_format(fmt)
    membership = Membership.objects.select_related("operation").get(pk=p["membership"])
    actor = Actor(user=get_user_model().objects.get(pk=p["user"]), membership=membership)
    with translation.override(p.get("lang") or "en"):
        rows = selectors.export_rows(actor, wanted.name, p.get("filters") or {})
        total = rows.count()
        queue.progress(job, 0, total)
        queue.log(job, f"{wanted.label} as {fmt}: {total} rows to write")
        with files.writing(job, fmt) as out:
            written = export.write(
                wanted, rows, fmt, out, progress=lambda done: queue.progress(job, done, total)
            )
    queue.progress(job, written, written)
    queue.log(job, f"{written} rows written")
    return {"file": files.name_for(job, fmt), "rows": written, "fmt": fmt, "export": wanted.name}
