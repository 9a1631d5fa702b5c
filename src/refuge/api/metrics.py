"""Requests and latency by view for /metrics, counted by a middleware.

Labels stay few: the view's URL name (`api_shelter`, `desk_household`), never the path,
which carries ids; the method (GET, POST, … or "other"); the status class (2xx … 5xx).
A path that names no view is "unresolved". `refuge serve` runs several processes: each
writes its counts to files of its own in PROMETHEUS_MULTIPROC_DIR (settings.py), and
/metrics sums the files of every process, so a scrape sees the whole server whichever
worker answers it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)

REQUESTS = Counter(
    "refuge_http_requests", "Requests answered, by view, method and status class.",
    ["view", "method", "status"],
)  # fmt: skip
LATENCY = Histogram(
    "refuge_http_request_duration_seconds", "Time to answer a request, by view.", ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)  # fmt: skip


def view_name(request: HttpRequest) -> str:
    """The URL name of the view the request went to; the path itself never."""
    match = getattr(request, "resolver_match", None)
    if match is None:  # refused by a middleware before the URL was resolved
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return "unresolved"
    return match.view_name or "unresolved"


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        view = view_name(request)
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(view, method, f"{response.status_code // 100}xx").inc()
        LATENCY.labels(view).observe(elapsed)
        return response


def exposition() -> str:
    """Every process's request counts and latencies, in the Prometheus text format."""
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return generate_latest(registry).decode()


def clear() -> None:
    """Forget the counts of earlier servers (`refuge serve` calls this as it starts)."""
    for path in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        path.unlink(missing_ok=True)
