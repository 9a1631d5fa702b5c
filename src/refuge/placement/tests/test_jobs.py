"""The long runs as background jobs: the queue's plan, the registry's index and scan."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from refuge.accounts.models import Membership
from refuge.desks.tests.world import World
from refuge.jobs import queue
from refuge.jobs.models import Job
from refuge.placement.models import PlacementPlan
from refuge.placement.tests.helpers import waiting
from refuge.registry.actions import MemberData
from refuge.tracing.models import DuplicateCandidate, NameKey
from refuge.tracing.tests.conftest import register_people


def _run(kind: str, payload: dict) -> Job:  # type: ignore[type-arg]
    job = queue.enqueue(kind, payload)
    claimed = queue.claim("w1")
    assert claimed is not None and claimed.pk == job.pk
    return queue.run(claimed, heartbeat=False)


def test_a_whole_queue_is_planned_by_a_job_in_the_coordinator_s_scope(world: World) -> None:
    households = [waiting(world.point_a, f"Коваленко{i}", size) for i, size in enumerate((7, 1, 3))]
    national = world.users["national"]
    membership = Membership.objects.get(user=national)
    done = _run("placement.propose", {"user": national.pk, "membership": membership.pk})
    assert (done.state, done.percent) == ("done", 100)
    plan = PlacementPlan.objects.get(pk=done.result["plan"])
    assert plan.status == PlacementPlan.Status.PROPOSED and plan.created_by == national
    assert {r.household_id for r in plan.rows.all()} == {h.pk for h in households}
    log = [line.message for line in done.lines.all()]
    assert f"plan {plan.pk} proposed" in log
    assert "3 households waiting" in log[1] and f"plan {plan.pk} saved: 3 households" in log


def test_the_page_queues_the_plan_and_shows_its_progress_to_its_coordinator_only(
    world: World, as_user
) -> None:  # type: ignore[no-untyped-def]
    waiting(world.point_a, "Коваленко", 4)
    national = as_user("national")
    asked = national.post("/placement/")
    job = Job.objects.get(kind="placement.propose")
    assert asked.url == f"/placement/jobs/{job.pk}/" and job.total == 3
    assert job.payload == {
        "user": world.users["national"].pk,
        "membership": Membership.objects.get(user=world.users["national"]).pk,
        "operation": world.operation.pk,
    }  # no names: the worker reads the queue itself
    assert 'id="job-state" data-state="queued"' in national.get(asked.url).content.decode()
    assert not PlacementPlan.objects.exists()  # nothing planned in the request
    claimed = queue.claim("w1")
    assert claimed is not None
    queue.run(claimed, heartbeat=False)
    page = national.get(asked.url + "?part=1").content.decode()
    assert "100 %" in page and "Review the plan" in page and "Коваленко" not in page
    assert as_user("regional").get(asked.url).status_code == 404
    assert as_user("registrar_a").post("/placement/").status_code == 403


def test_a_plan_job_taken_over_from_a_lost_worker_leaves_one_open_plan(world: World) -> None:
    waiting(world.point_a, "Шевченко", 2)
    national = world.users["national"]
    payload = {"user": national.pk, "membership": Membership.objects.get(user=national).pk}
    job = queue.enqueue("placement.propose", payload)
    lost = queue.claim("lost-worker")
    assert lost is not None
    queue.run(lost, heartbeat=False)  # it made its plan, then died before saying so
    Job.objects.filter(pk=job.pk).update(
        state="running", lease_until=timezone.now() - timedelta(seconds=1)
    )
    again = queue.claim("w2")
    assert again is not None and again.attempts == 2
    done = queue.run(again, heartbeat=False)
    assert done.state == "done"
    plans = PlacementPlan.objects.order_by("pk")
    assert [p.status for p in plans] == ["expired", "proposed"] and plans[1].pk == done.result[
        "plan"
    ]


def test_the_registry_is_indexed_and_scanned_by_jobs(world: World) -> None:
    tatiana = MemberData(given_name="Татьяна", family_name="Иванова", birth_year=1952, sex="F")
    register_people(world, tatiana, point="a")
    register_people(world, tatiana, MemberData("Иван", "Иванов", birth_year=1950), point="b")
    NameKey.objects.all().delete()  # as after a bulk load: nobody indexed

    indexed = _run("tracing.index", {})
    assert (indexed.state, indexed.percent) == ("done", 100)
    assert indexed.result["indexed"] >= 3 and NameKey.objects.exists()

    scanned = _run("tracing.scan", {"operation": world.operation.pk})
    assert (scanned.state, scanned.percent) == ("done", 100)
    assert scanned.result["pairs_new"] == DuplicateCandidate.objects.count() >= 1
