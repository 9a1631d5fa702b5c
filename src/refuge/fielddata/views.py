"""The import page: upload an export, read the dry run, apply it as a job, watch it run.

Parse and authorise here; fielddata.imports decides. The upload is kept under
REFUGE_DATA_DIR/uploads by its sha256, which is all the apply form carries back.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refuge.accounts.decorators import role_required
from refuge.accounts.models import Role
from refuge.accounts.scope import Actor
from refuge.audit.actions import do_record
from refuge.audit.models import AuditEvent
from refuge.fielddata import imports, sheets
from refuge.fielddata.exports import MAX_FILE, BadFile
from refuge.fielddata.report import write_report
from refuge.fielddata.selectors import import_points_for
from refuge.jobs import queue
from refuge.jobs.models import Job
from refuge.jobs.pages import job_page

IMPORTERS = (Role.NATIONAL_COORDINATOR, Role.REGIONAL_COORDINATOR, Role.REGISTRAR)
SHA = re.compile(r"^[0-9a-f]{64}$")
SUFFIXES = {b"PK\x03\x04": ".xlsx"}


def uploads() -> Path:
    folder = Path(settings.DATA_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stored(sha: str) -> Path | None:
    if not SHA.match(sha):
        return None
    found = [p for p in uploads().glob(f"{sha}.*") if p.suffix in (".xlsx", ".csv")]
    return found[0] if found else None


def _check(request: HttpRequest, path: Path) -> imports.Report:
    actor = request.actor  # type: ignore[attr-defined]
    points = import_points_for(actor)
    return imports.check(imports.read(path), imports.Places.of(actor.membership.operation, points))


@role_required(*IMPORTERS)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {}
    if request.method == "POST":
        sent = request.FILES.get("export")
        if sent is None:
            context["error"] = _("Choose the export file to upload.")
        else:
            data = sent.read(MAX_FILE + 1)
            suffix = ".ods" if sheets.is_ods(data) else SUFFIXES.get(data[:4], ".csv")
            digest = hashlib.sha256(data).hexdigest()
            path = uploads() / f"{digest}{suffix}"
            path.write_bytes(data)
            try:
                if not sheets.is_export(path):
                    # A spreadsheet list, not an ODK/Kobo export: on to its column mapping.
                    request.session[f"import-name-{digest[:16]}"] = Path(sent.name or "").name[:120]
                    return redirect("imports_list", sha=digest)
                report = _check(request, path)
            except BadFile as error:
                path.unlink()
                context["error"] = _("This file cannot be imported: %(reason)s") % {
                    "reason": str(error)
                }
            else:
                context.update(report=report, sha=digest, name=Path(sent.name or "").name[:120])
    status = 400 if context.get("error") else 200
    return render(request, "fielddata/upload.html", context, status=status)


@role_required(*IMPORTERS)
@require_POST
def apply(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    sha = request.POST.get("sha", "")
    path = _stored(sha)
    if path is None:
        raise Http404
    name = request.POST.get("name", "")[:120] or path.name
    points = list(import_points_for(actor).values_list("pk", flat=True))
    return queue_import(actor, "fielddata.import", path=path, sha=sha, name=name, points=points)


def queue_import(
    actor: Actor, kind: str, *, path: Path, sha: str, name: str, points: list[int], **extra: object
) -> HttpResponse:
    """Queue an upload's apply as a job of `kind` (fielddata/jobs.py, list_jobs.py) for the
    importer's reception points, audit it, and show the job's page."""
    job = queue.enqueue(
        kind,
        {"path": str(path), "operation": actor.membership.operation_id, "user": actor.user.pk,
         "membership": actor.membership.pk, "file_name": name, "sha256": sha, "points": points,
         **extra},
        created_by=actor.user,
    )  # fmt: skip
    do_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="import",
        object_id=sha[:16],
        summary=f"queued the import ({kind}) of {name} (sha256 {sha}) as job {job.pk}",
    )
    return redirect("imports_job", pk=job.pk)


@role_required(*IMPORTERS)
@require_POST
def report(request: HttpRequest) -> HttpResponse:
    """The dry run's findings as an XLSX workbook, checked again as of now."""
    path = _stored(request.POST.get("sha", ""))
    if path is None:
        raise Http404
    found = _check(request, path)
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="import-report.xlsx"'
    write_report(found, response)
    return response


@role_required(*IMPORTERS)
def job(request: HttpRequest, pk: int) -> HttpResponse:
    found = Job.objects.filter(
        pk=pk, kind__in=("fielddata.import", "fielddata.list_import"), created_by=request.user
    ).first()
    if found is None:
        raise Http404
    return job_page(
        request,
        found,
        heading=_("Import: %(name)s") % {"name": found.payload.get("file_name", "")},
        back=(reverse("imports_upload"), _("Import another file")),
    )
