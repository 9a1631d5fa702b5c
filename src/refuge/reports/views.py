from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone

from refuge.reports import charts
from refuge.reports.selectors import (
    UnknownOperation,
    daily_departures,
    default_as_of,
    operation_named,
    sitrep,
)


def situation(request: HttpRequest) -> HttpResponse:
    """The operation's situation report: aggregate figures only, no personal data."""
    try:
        operation = operation_named(None)
    except UnknownOperation as e:
        return render(request, "reports/empty.html", {"message": str(e)}, status=200)
    as_of = default_as_of(operation, timezone.now())
    report = sitrep(operation, as_of)
    days = daily_departures(operation, as_of)
    return render(
        request,
        "reports/situation.html",
        {
            "operation": operation,
            "report": report,
            "departure_bars": charts.column_chart(
                [(formats.date_format(d, "d.m"), n) for d, n in days]
            ),
            "regions": [
                {"line": r, "percent": charts.share(r.occupants, r.capacity)}
                for r in report.by_region
                if r.open
            ],
        },
    )
