from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.utils import timezone

from refuge.api.tests.helpers import bearer, token_for
from refuge.desks.tests.world import World
from refuge.jobs import queue
from refuge.jobs.models import Job
from refuge.shelters.models import Shelter


def test_healthz_says_the_database_and_migrations_are_fine(world: World) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["migrations"] == "ok"
    assert checks["job_queue_due"] == 0 and checks["job_queue_lag_seconds"] == 0.0
    assert checks["last_reconcile"] is None  # never run here


def test_healthz_reports_the_age_of_the_oldest_due_job(world: World) -> None:
    now = timezone.now()
    waiting = queue.enqueue("jobs.check", {"household": 1042})
    Job.objects.filter(pk=waiting.pk).update(created_at=now - timedelta(minutes=7))
    queue.enqueue("jobs.check")  # just queued
    lapsed = queue.enqueue("jobs.check")  # its worker died 2 minutes ago
    Job.objects.filter(pk=lapsed.pk).update(
        state=Job.State.RUNNING, created_at=now - timedelta(hours=3),
        lease_until=now - timedelta(minutes=2),
    )  # fmt: skip
    held = queue.enqueue("jobs.check")  # a live worker holds it: not due
    Job.objects.filter(pk=held.pk).update(
        state=Job.State.RUNNING, created_at=now - timedelta(hours=5),
        lease_until=now + timedelta(minutes=1),
    )  # fmt: skip
    # A retry put back an hour ago with a backoff: due only 30 seconds ago, not from its
    # creation a day ago; another whose backoff has not run out yet is not due at all.
    retried = queue.enqueue("jobs.check")
    Job.objects.filter(pk=retried.pk).update(
        created_at=now - timedelta(days=1), run_after=now - timedelta(seconds=30)
    )
    queue.enqueue("jobs.check", run_after=now + timedelta(minutes=10))
    Job.objects.create(kind="jobs.check", state=Job.State.DONE)
    checks = Client().get("/healthz").json()["checks"]
    assert checks["job_queue_due"] == 4
    assert 7 * 60 <= checks["job_queue_lag_seconds"] < 7 * 60 + 60
    assert "1042" not in str(checks)


def test_healthz_shows_the_last_reconcile_clean_or_not(world: World) -> None:
    call_command("reconcile", stdout=io.StringIO())
    last = Client().get("/healthz").json()["checks"]["last_reconcile"]
    assert last["clean"] is True and last["shelters"] == 2 and last["disagreeing"] == 0
    Shelter.objects.filter(pk=world.shelter_a.pk).update(occupancy=7)
    with pytest.raises(CommandError):
        call_command("reconcile", stdout=io.StringIO())
    response = Client().get("/healthz")
    last = response.json()["checks"]["last_reconcile"]
    assert (last["clean"], last["disagreeing"], last["fixed"]) == (False, 1, False)
    assert response.status_code == 200  # a dirty cache is for the operator, not the balancer
    call_command("reconcile", "--fix", stdout=io.StringIO())
    last = Client().get("/healthz").json()["checks"]["last_reconcile"]
    assert (last["clean"], last["disagreeing"], last["fixed"]) == (True, 1, True)


def test_healthz_fails_when_a_migration_is_missing(world: World) -> None:
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    # As after deploying code with a new migration: the ledger's latest is not applied.
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    (latest,) = [name for app, name in graph.leaf_nodes() if app == "movements"]
    MigrationRecorder.Migration.objects.filter(app="movements", name=latest).delete()
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "1 not applied"


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in a Prometheus text exposition (0 when absent)."""
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        m = re.fullmatch(r"(\w+)(?:\{(.*)\})? (\S+)", line)
        if m and m[1] == name and ",".join(sorted((m[2] or "").split(","))) == want:
            return float(m[3])
    return 0.0


@override_settings(REFUGE_METRICS_ALLOWED=["10.1.0.0/16"])
def test_metrics_answer_only_the_configured_addresses(world: World) -> None:
    assert Client(REMOTE_ADDR="192.0.2.7").get("/metrics").status_code == 404
    Job.objects.create(kind="fielddata.import", state=Job.State.DONE)
    Job.objects.create(kind="fielddata.import", state=Job.State.QUEUED)
    Shelter.objects.filter(pk=world.shelter_a.pk).update(occupancy=35)  # 35 + 2 of 40
    response = Client(REMOTE_ADDR="10.1.4.2").get("/metrics")
    assert response.status_code == 200
    text = response.content.decode()
    assert "refuge_households_registered 2\n" in text
    assert "refuge_persons_registered 4\n" in text
    assert 'refuge_shelters{status="open"} 2\n' in text
    assert "refuge_shelters_near_full 1\n" in text
    assert 'refuge_imports{state="done"} 1\n' in text
    assert 'refuge_jobs{kind="fielddata.import",state="queued"} 1\n' in text
    assert "refuge_job_queue_depth 1\n" in text
    assert "refuge_job_queue_lag_seconds " in text
    assert "Ivanova" not in text


@override_settings(REFUGE_METRICS_ALLOWED=["127.0.0.1"])
def test_requests_and_latency_are_counted_by_view_name_never_by_path(world: World) -> None:
    scrape = Client(REMOTE_ADDR="127.0.0.1")
    before = scrape.get("/metrics").content.decode()
    api = bearer(token_for(world.users["national"]))
    for _ in range(3):
        assert api.get(f"/api/v1/shelters/{world.shelter_b.pk}/").status_code == 200
    assert api.get("/api/v1/shelters/987654/").status_code == 404
    assert Client().get("/no/such/page/4815162342").status_code == 404
    after = scrape.get("/metrics").content.decode()

    def grew(name: str, **labels: str) -> float:
        return _sample(after, name, **labels) - _sample(before, name, **labels)

    ok = {"view": "api_shelter", "method": "GET", "status": "2xx"}
    assert grew("refuge_http_requests_total", **ok) == 3
    assert grew("refuge_http_requests_total", **{**ok, "status": "4xx"}) == 1
    assert grew("refuge_http_requests_total", view="unresolved", method="GET", status="4xx") == 1
    assert grew("refuge_http_request_duration_seconds_count", view="api_shelter") == 4
    assert grew("refuge_http_request_duration_seconds_bucket", view="api_shelter", le="+Inf") == 4
    assert grew("refuge_http_request_duration_seconds_sum", view="api_shelter") > 0
    assert "987654" not in after and "4815162342" not in after
    assert f"/api/v1/shelters/{world.shelter_b.pk}/" not in after
