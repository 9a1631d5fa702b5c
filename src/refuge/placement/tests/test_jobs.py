"""The long runs as background jobs: the queue's plan, the registry's index and scan."""

from __future__ import annotations

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
    assert f"plan {plan.pk} proposed" in [line.message for line in done.lines.all()]


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
