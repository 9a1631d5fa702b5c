"""/healthz for load balancers and uptime checks, /metrics for Prometheus.

Neither shows personal data: counts only. /metrics answers only the addresses in
REFUGE_METRICS_ALLOWED (addresses or networks, comma-separated; none by default), and
anyone else gets 404, as if it were not there.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from refuge.registry.models import Household, Person
from refuge.shelters.models import Shelter
from refuge.web.client import client_address

NEAR_FULL = 0.9


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, object] = {}
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        plan = MigrationExecutor(connection).migration_plan(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
        checks["migrations"] = "ok" if not plan else f"{len(plan)} not applied"
    except Exception as e:  # noqa: BLE001  (the answer must say "down", not raise)
        checks["database"] = f"unreachable: {type(e).__name__}"
    # Not yet recorded anywhere: the jobs queue (branch fielddata) and reconcile's last run.
    checks["job_queue_lag_seconds"] = None
    checks["last_reconcile"] = None
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


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        raise Http404
    lines = [
        "# HELP refuge_households_registered Households registered, all operations.",
        "# TYPE refuge_households_registered gauge",
        f"refuge_households_registered {Household.objects.count()}",
        "# HELP refuge_persons_registered Persons registered, all operations.",
        "# TYPE refuge_persons_registered gauge",
        f"refuge_persons_registered {Person.objects.count()}",
        "# HELP refuge_shelters Shelters by status.",
        "# TYPE refuge_shelters gauge",
    ]
    for row in Shelter.objects.values("status").annotate(n=Count("id")).order_by("status"):
        lines.append(f'refuge_shelters{{status="{row["status"]}"}} {row["n"]}')
    near = Shelter.objects.filter(
        Q(status="open") & Q(capacity__gt=0)
        & Q(occupancy__gte=F("capacity") * NEAR_FULL - F("reserved"))
    ).count()  # fmt: skip
    lines += [
        "# HELP refuge_shelters_near_full Open shelters at 90 % or more (taken or reserved).",
        "# TYPE refuge_shelters_near_full gauge",
        f"refuge_shelters_near_full {near}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; version=0.0.4")
