"""The one job page every long run shows: a progress bar, the log, and what it made.

Each app's view finds the job in the user's scope and says what to show; this draws it.
The page polls itself (`?part=1` gives the bar and log alone, jobs/static/jobs/progress.js).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from refuge.jobs.models import Job


def job_page(
    request: HttpRequest,
    job: Job,
    *,
    heading: str,
    back: tuple[str, str] | None = None,
    result: tuple[str, str] | None = None,
    result_gone: str = "",
) -> HttpResponse:
    """`result` is (url, label) of what the job made, linked once it is done; `result_gone`
    says why there is nothing to link any more (a purged file)."""
    context = {
        "job": job,
        "lines": job.lines.all()[:200],
        "heading": heading,
        "poll_url": f"{request.path}?part=1",
        "back_url": back[0] if back else "",
        "back_label": back[1] if back else "",
        "result_url": result[0] if result else "",
        "result_label": result[1] if result else "",
        "result_gone": result_gone,
    }
    template = "jobs/_progress.html" if request.GET.get("part") else "jobs/job.html"
    return render(request, template, context)
