"""The shelters table as CSV or XLSX: no personal data, but every export is audited."""

from __future__ import annotations

import csv
import io

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from openpyxl import Workbook

from refuge.accounts.scope import Actor
from refuge.audit.actions import do_record
from refuge.audit.models import AuditEvent
from refuge.shelters.models import Shelter

COLUMNS = (
    "id",
    "name",
    "region",
    "address",
    "kind",
    "status",
    "capacity",
    "occupancy",
    "reserved",
    "free",
    "wheelchair_access",
    "medical_post",
    "children_area",
    "pets_allowed",
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _row(s: Shelter) -> list[object]:
    return [
        s.pk,
        s.name,
        s.region.code,
        s.address,
        s.kind,
        s.status,
        s.capacity,
        s.occupancy,
        s.reserved,
        s.free,
        s.wheelchair_access,
        s.medical_post,
        s.children_area,
        s.pets_allowed,
    ]


def shelters_file(actor: Actor, shelters: QuerySet[Shelter], fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    rows = [_row(s) for s in shelters]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("shelters")
        sheet.append(list(COLUMNS))
        for r in rows:
            sheet.append(r)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="shelters.{fmt}"'
    do_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        object_type="shelters",
        summary=f"shelters table as {fmt}: {len(rows)} rows",
    )
    return response
