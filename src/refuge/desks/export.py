"""The shelters and households lists as CSV or XLSX, for the coordinators' spreadsheets.

Headers are in the user's language and regions go by name, because the files are read by
people; coordinates are plain decimal degrees so a GIS tool can place the rows. No name of
a person is in either file, but every export is audited.

A cell that starts with = + - or @ is a formula to Excel and LibreOffice: a shelter named
"=HYPERLINK(...)" would run when the file is opened. Such text goes out with a leading
apostrophe, which spreadsheets show as plain text (OWASP, "CSV injection"); numbers are
written as numbers and never touched.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from refuge.accounts.scope import Actor
from refuge.audit.actions import do_record
from refuge.audit.models import AuditEvent
from refuge.desks.forms import DESTINATIONS
from refuge.desks.selectors import shelters_of
from refuge.registry.models import Household
from refuge.shelters.models import Shelter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: households whose shelters are looked up at once while exporting
CHUNK = 2000


def safe_cell(value: object) -> object:
    """The value as a spreadsheet should show it: text that would be a formula is quoted.

    A lazy translation (a destination's label) is made text here: openpyxl refuses it."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    header: object  # a lazy translation: the header is drawn in the user's language
    value: Callable[..., object]


def _yes(flag: bool) -> str:
    return _("yes") if flag else _("no")


SHELTER_COLUMNS = (
    Column(gettext_lazy("Number"), lambda s: s.pk),
    Column(gettext_lazy("Shelter"), lambda s: s.name),
    Column(gettext_lazy("Region"), lambda s: s.region.name),
    Column(gettext_lazy("Region code"), lambda s: s.region.code),
    Column(gettext_lazy("District"), lambda s: s.district.name if s.district else ""),
    Column(gettext_lazy("Address"), lambda s: s.address),
    Column(gettext_lazy("Latitude"), lambda s: s.lat),
    Column(gettext_lazy("Longitude"), lambda s: s.lon),
    Column(gettext_lazy("Kind"), lambda s: s.kind),
    Column(gettext_lazy("Status"), lambda s: s.status),
    Column(gettext_lazy("Places"), lambda s: s.capacity),
    Column(gettext_lazy("Inside"), lambda s: s.occupancy),
    Column(gettext_lazy("Reserved"), lambda s: s.reserved),
    Column(gettext_lazy("Free"), lambda s: s.free),
    Column(gettext_lazy("Wheelchair access"), lambda s: _yes(s.wheelchair_access)),
    Column(gettext_lazy("Medical post"), lambda s: _yes(s.medical_post)),
    Column(gettext_lazy("Children's area"), lambda s: _yes(s.children_area)),
    Column(gettext_lazy("Pets allowed"), lambda s: _yes(s.pets_allowed)),
)


def _at(h: Household) -> str:
    return timezone.localtime(h.registered_at).strftime("%Y-%m-%d %H:%M")


def _region(h: Household) -> str:
    return h.destination_region.name if h.destination_region else ""


HOUSEHOLD_COLUMNS = (
    Column(gettext_lazy("Household"), lambda h, s: h.pk),
    Column(gettext_lazy("Date registered"), lambda h, s: _at(h)),
    Column(gettext_lazy("Reception point"), lambda h, s: h.reception_point.name),
    Column(gettext_lazy("People"), lambda h, s: h.size),
    Column(gettext_lazy("Destination"), lambda h, s: dict(DESTINATIONS).get(h.destination)),
    Column(gettext_lazy("Destination region"), lambda h, s: _region(h)),
    Column(gettext_lazy("Came from"), lambda h, s: h.origin.name),
    Column(gettext_lazy("District"), lambda h, s: h.origin.district.name),
    Column(gettext_lazy("Shelter"), lambda h, s: s.name if s else ""),
    Column(gettext_lazy("Shelter region"), lambda h, s: s.region.name if s else ""),
    Column(gettext_lazy("Latitude"), lambda h, s: s.lat if s else ""),
    Column(gettext_lazy("Longitude"), lambda h, s: s.lon if s else ""),
)


@dataclass(frozen=True)
class Export:
    """One of the desk's lists as a file: its name, columns and how its rows are read."""

    name: str  # the file's and the sheet's name, and the export job's payload
    object_type: str  # as the audit trail names what was exported
    label: str  # the audit summary's words for it
    columns: tuple[Column, ...]
    rows: Callable[[QuerySet], Iterable[list[object]]]  # type: ignore[type-arg]


def _shelter_rows(shelters: QuerySet[Shelter]) -> Iterable[list[object]]:
    return ([c.value(s) for c in SHELTER_COLUMNS] for s in shelters.iterator(chunk_size=CHUNK))


def _household_rows(households: QuerySet[Household]) -> Iterable[list[object]]:
    return ([c.value(h, s) for c in HOUSEHOLD_COLUMNS] for h, s in _with_shelters(households))


SHELTERS = Export("shelters", "shelters", "shelters table", SHELTER_COLUMNS, _shelter_rows)
HOUSEHOLDS = Export(
    "households", "household", "households list", HOUSEHOLD_COLUMNS, _household_rows
)
EXPORTS = {e.name: e for e in (SHELTERS, HOUSEHOLDS)}


def shelters_file(actor: Actor, shelters: QuerySet[Shelter], fmt: str) -> HttpResponse:
    return direct(actor, SHELTERS, shelters, fmt)


def households_file(actor: Actor, households: QuerySet[Household], fmt: str) -> HttpResponse:
    return direct(actor, HOUSEHOLDS, households, fmt)


def direct(actor: Actor, export: Export, rows: QuerySet, fmt: str) -> HttpResponse:  # type: ignore[type-arg]
    """The file in the response itself: for lists up to EXPORT_JOB_ROWS rows."""
    check_format(fmt)
    buffer = io.BytesIO()
    written = write(export, rows, fmt, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{export.name}.{fmt}"'
    audit(actor, export, fmt, written)
    return response


def too_long_for_a_request(rows: QuerySet) -> int | None:  # type: ignore[type-arg]
    """The number of rows when over EXPORT_JOB_ROWS (the file is then made by a job)."""
    limit = settings.EXPORT_JOB_ROWS
    found = rows[: limit + 1].count()
    return rows.count() if found > limit else None


def write(
    export: Export,
    rows: QuerySet,  # type: ignore[type-arg]
    fmt: str,
    out: BinaryIO,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the list to `out` and return how many rows; `progress(rows so far)` per CHUNK.

    The request and the export job both write through here, so a file made by a job is
    the same, byte for byte (CSV) or cell for cell (XLSX), as the one the page gives."""
    headers = [str(c.header) for c in export.columns]
    written = 0

    def counted() -> Iterator[list[object]]:
        nonlocal written
        for row in export.rows(rows):
            yield [safe_cell(v) for v in row]
            written += 1
            if progress is not None and written % CHUNK == 0:
                progress(written)

    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        text.write("\ufeff")  # Excel reads a CSV as UTF-8 (Cyrillic intact) only after a BOM
        writer = csv.writer(text)
        writer.writerow(headers)
        writer.writerows(counted())
        text.flush()
        text.detach()  # leave `out` open for the caller
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(export.name)
        sheet.append(headers)
        for r in counted():
            sheet.append(r)
        book.save(out)
    return written


def check_format(fmt: str) -> None:
    if fmt not in CONTENT_TYPES:
        raise Http404


def audit(actor: Actor, export: Export, fmt: str, rows: int, job: int | None = None) -> None:
    made = f" (made by job {job})" if job is not None else ""
    do_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        object_type=export.object_type,
        summary=f"{export.label} as {fmt}: {rows} rows{made}",
    )


def _with_shelters(households: QuerySet[Household]) -> Iterable[tuple[Household, Shelter | None]]:
    chunk: list[Household] = []
    for h in households.iterator(chunk_size=CHUNK):
        chunk.append(h)
        if len(chunk) == CHUNK:
            yield from _chunk_with_shelters(chunk)
            chunk = []
    yield from _chunk_with_shelters(chunk)


def _chunk_with_shelters(chunk: list[Household]) -> list[tuple[Household, Shelter | None]]:
    shelters = shelters_of(chunk) if chunk else {}
    return [(h, shelters.get(h.pk)) for h in chunk]
