"""/healthz for load balancers and uptime checks, /metrics for Prometheus.

Neither shows personal data: counts only. /metrics answers only the addresses in
REFUGE_METRICS_ALLOWED (addresses or networks, comma-separated; none by default), and
anyone else gets 404, as if it were not there.

/healthz is 503 when the database is unreachable or a migration is not applied: what a
load balancer should take a server out of rotation for. The job queue's lag and the last
`refuge reconcile` are reported beside them for the uptime checks to alert on, and do not
fail the check: a web server with a slow queue still serves the desks.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from refuge.api import metrics as request_metrics
from refuge.jobs import queue
from refuge.jobs.models import Job
from refuge.movements.models import ReconcileRun
from refuge.registry.models import Household, Person
from refuge.shelters.models import Shelter
from refuge.web.client import client_address

NEAR_FULL = 0.9


@functools.cache
def _migrations_in_code() -> frozenset[tuple[str, str]]:
    """The migrations this process's code has (read from disk once: they do not change
    under a running process)."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def _migrations(connection: object) -> str:
    applied = set(MigrationRecorder(connection).applied_migrations())  # one query
    if _migrations_in_code() <= applied:
        return "ok"
    # Something is missing (or squashed migrations are recorded by their parts): the
    # executor's plan says exactly what is left.
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return "ok" if not plan else f"{len(plan)} not applied"


def _last_reconcile() -> dict[str, object] | None:
    run = ReconcileRun.objects.order_by("-at", "-pk").first()
    if run is None:
        return None
    return {
        "at": run.at.isoformat(), "clean": run.clean, "shelters": run.shelters,
        "disagreeing": run.disagreeing, "fixed": run.fixed,
    }  # fmt: skip


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, object] = {}
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        checks["migrations"] = _migrations(connection)
        if checks["migrations"] == "ok":
            due, lag = queue.waiting()
            checks["job_queue_due"] = due
            checks["job_queue_lag_seconds"] = round(lag, 1)
            checks["last_reconcile"] = _last_reconcile()
    except Exception as e:  # noqa: BLE001  (the answer must say "down", not raise)
        checks.setdefault("database", f"unreachable: {type(e).__name__}")
        if checks["database"] == "ok":
            checks["migrations"] = f"unreadable: {type(e).__name__}"
    checks.setdefault("job_queue_due", None)
    checks.setdefault("job_queue_lag_seconds", None)
    checks.setdefault("last_reconcile", None)
    healthy = checks.get("database") == "ok" and checks.get("migrations") == "ok"
    return JsonResponse({"status": "ok" if healthy else "failing", "checks": checks},
                        status=200 if healthy else 503)  # fmt: skip


def _allowed(request: HttpRequest) -> bool:
    address = client_address(request)
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in settings.REFUGE_METRICS_ALLOWED:
        if ip in ipaddress.ip_network(entry, strict=False):
            return True
    return False


def _gauge(lines: list[str], name: str, help_text: str, values: list[tuple[str, object]]) -> None:
    lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
    lines += [f"{name}{labels} {value}" for labels, value in values]


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        raise Http404
    lines: list[str] = []
    _gauge(lines, "refuge_households_registered", "Households registered, all operations.",
           [("", Household.objects.count())])  # fmt: skip
    _gauge(lines, "refuge_persons_registered", "Persons registered, all operations.",
           [("", Person.objects.count())])  # fmt: skip
    by_status = Shelter.objects.values("status").annotate(n=Count("id")).order_by("status")
    _gauge(lines, "refuge_shelters", "Shelters by status.",
           [(f'{{status="{r["status"]}"}}', r["n"]) for r in by_status])  # fmt: skip
    near = Shelter.objects.filter(
        Q(status="open") & Q(capacity__gt=0)
        & Q(occupancy__gte=F("capacity") * NEAR_FULL - F("reserved"))
    ).count()  # fmt: skip
    _gauge(lines, "refuge_shelters_near_full",
           "Open shelters at 90 % or more (taken or reserved).", [("", near)])  # fmt: skip
    jobs = list(
        Job.objects.values("kind", "state").annotate(n=Count("id")).order_by("kind", "state")
    )
    _gauge(lines, "refuge_jobs", "Background jobs by kind and state.",
           [(f'{{kind="{r["kind"]}",state="{r["state"]}"}}', r["n"]) for r in jobs])  # fmt: skip
    _gauge(lines, "refuge_imports", "Field data imports (jobs of kind fielddata.import) by state.",
           [(f'{{state="{r["state"]}"}}', r["n"]) for r in jobs
            if r["kind"] == "fielddata.import"])  # fmt: skip
    due, lag = queue.waiting()
    _gauge(lines, "refuge_job_queue_depth", "Jobs a worker could claim now.", [("", due)])
    _gauge(lines, "refuge_job_queue_lag_seconds",
           "How long the job due longest has waited for a worker.", [("", round(lag, 1))])  # fmt: skip
    body = "\n".join(lines) + "\n" + request_metrics.exposition()
    return HttpResponse(body, content_type="text/plain; version=0.0.4")
