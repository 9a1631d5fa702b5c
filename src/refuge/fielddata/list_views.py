"""The import page's side for spreadsheet lists: the first rows and the guessed column
mapping (a select per column), the user's corrections (remembered for the next file
with the same headers), the dry run, and Apply as a `fielddata.list_import` job whose
progress the Kobo import's job page shows.

The upload itself is views.upload's: a file that is not an ODK/Kobo export comes here
by its sha256. Parse and authorise here; sheets.py and imports.py decide.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refuge.accounts.decorators import role_required
from refuge.fielddata import imports, sheets
from refuge.fielddata.exports import BadFile
from refuge.fielddata.list_command import remember, remembered
from refuge.fielddata.selectors import import_points_for
from refuge.fielddata.views import IMPORTERS, SHA, queue_import, uploads
from refuge.movements.models import Movement
from refuge.registry.models import Destination


def stored_list(sha: str) -> Path:
    if not SHA.match(sha):
        raise Http404
    found = [p for p in uploads().glob(f"{sha}.*") if p.suffix in (".xlsx", ".csv", ".ods")]
    if not found:
        raise Http404
    return found[0]


def name_key(sha: str) -> str:
    return f"import-name-{sha[:16]}"


def _mapping_from(request: HttpRequest, sheet: sheets.Sheet) -> sheets.Mapping:
    columns = [request.POST.get(f"col-{i}", "") for i in range(len(sheet.header))]
    return sheets.Mapping(
        [c if c in sheets.FIELDS else "" for c in columns],
        point=request.POST.get("point", ""),
        mode=request.POST.get("mode", ""),
        destination=request.POST.get("destination", ""),
    )


@role_required(*IMPORTERS)
@require_http_methods(["GET", "POST"])
def mapping(request: HttpRequest, sha: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    operation = actor.membership.operation
    path = stored_list(sha)
    points = list(import_points_for(actor))
    try:
        sheet = sheets.read_sheet(path)
    except BadFile as error:
        return render(request, "fielddata/list.html", {
            "error": _("This file cannot be imported: %(reason)s") % {"reason": str(error)}
        }, status=400)  # fmt: skip
    context: dict[str, object] = {"sha": sha, "sheet": sheet, "points": points}
    context["name"] = request.session.get(name_key(sha), path.name)
    if request.method == "POST":
        chosen = _mapping_from(request, sheet)
        context["remembered"] = False
    else:
        saved = remembered(operation, sheet, actor.user)
        context["remembered"] = saved is not None
        chosen = saved or sheets.guess(sheet)
        if chosen.point not in {f"p{p.pk}" for p in points}:
            chosen.point = f"p{points[0].pk}" if points else ""
    context["mapping"] = chosen
    context["columns"] = [
        {
            "index": i,
            "header": h,
            "field": chosen.columns[i],
            "samples": [r[i] for r in sheet.rows[:20] if i < len(r) and r[i].strip()][:3],
        }
        for i, h in enumerate(sheet.header)
    ]
    context["fields"] = [(k, str(v)) for k, v in sheets.FIELDS.items()]
    context["point_choices"] = [(f"p{p.pk}", p.name) for p in points]
    context["modes"] = Movement.Mode.choices
    context["destinations"] = Destination.choices
    if request.method == "POST":
        places = imports.Places.of(operation, points)
        at = timezone.now()
        report = sheets.check(sheet, chosen, places, operation_id=operation.pk, at=at)
        context["at"] = at.isoformat()
        if chosen.point in places.points:
            remember(operation, sheet, chosen, actor.user)
        context["report"] = report
        context["findings"] = [
            (f.row, f.column, sheets.outcome_label(f.outcome), f.message)
            for f in report.findings
            if f.outcome != "accepted"
        ]
        context["mapping_json"] = json.dumps(chosen.as_json(sheet.header), ensure_ascii=False)
    return render(request, "fielddata/list.html", context)


@role_required(*IMPORTERS)
@require_POST
def apply(request: HttpRequest, sha: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    path = stored_list(sha)
    try:
        sheet = sheets.read_sheet(path)
        data = json.loads(request.POST.get("mapping", "{}"))
        if not isinstance(data, dict):  # a tampered form: 7, [], "x"
            raise ValueError("mapping: not an object")
        chosen = sheets.Mapping.from_json(data, sheet.header)
    except (BadFile, ValueError, TypeError, AttributeError):
        raise Http404 from None
    points = list(import_points_for(actor).values_list("pk", flat=True))
    if chosen.point not in {f"p{pk}" for pk in points}:
        raise Http404
    at = parse_datetime(request.POST.get("at", "")) or timezone.now()
    name = request.session.get(name_key(sha), path.name)
    return queue_import(
        actor, "fielddata.list_import", path=path, sha=sha, name=name, points=points,
        mapping=chosen.as_json(sheet.header), at=at.isoformat(),
    )  # fmt: skip
