from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from refuge.reports import charts
from refuge.reports.forms import as_of_form
from refuge.reports.selectors import (
    UnknownOperation,
    daily_departures,
    operation_named,
    sitrep,
)


def situation(request: HttpRequest) -> HttpResponse:
    """The operation's situation report: aggregate figures only, no personal data."""
    try:
        operation = operation_named(None)
    except UnknownOperation:
        # The exception speaks to the operator at the command line; the page to anyone.
        message = _("The report appears here once an operation is loaded.")
        return render(request, "reports/empty.html", {"message": message}, status=200)
    # Times typed and shown are the operation's local time, as in the printed report.
    with timezone.override(operation.timezone):
        form, as_of = as_of_form(request.GET, default=timezone.now())
        report = sitrep(operation, as_of)
        days = daily_departures(operation, as_of)
        return render(
            request,
            "reports/situation.html",
            {
                "operation": operation,
                "report": report,
                "as_of_form": form,
                "departure_rows": charts.row_chart(
                    [(formats.date_format(d, "d.m"), n) for d, n in days]
                ),
                "regions": [
                    {"line": r, "percent": charts.share(r.occupants, r.capacity)}
                    for r in report.by_region
                    if r.open
                ],
            },
            status=200 if form.is_bound is False or form.is_valid() else 400,
        )
