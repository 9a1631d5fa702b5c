"""The queue's claim, progress, retry and give-up rules, in one process."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from refuge.jobs import queue
from refuge.jobs.models import Job

pytestmark = pytest.mark.django_db


@queue.kind("tests.flaky")
def flaky(job: Job) -> dict[str, int]:
    """Fails on its first two attempts, then saves its progress."""
    if job.attempts <= 2:
        raise ValueError(f"Сбой на попытке {job.attempts}")
    queue.progress(job, 7, 7)
    return {"attempt": job.attempts}


def test_oldest_queued_job_is_claimed_first_and_only_once() -> None:
    first = queue.enqueue("jobs.check", {"to": 3})
    second = queue.enqueue("jobs.check", {"to": 3})
    assert queue.claim("w1").pk == first.pk  # type: ignore[union-attr]
    assert queue.claim("w2").pk == second.pk  # type: ignore[union-attr]
    assert queue.claim("w3") is None


def test_a_job_runs_to_done_with_progress_log_and_result() -> None:
    job = queue.enqueue("jobs.check", {"to": 4})
    claimed = queue.claim("w1")
    assert claimed is not None and claimed.state == Job.State.RUNNING
    finished = queue.run(claimed, heartbeat=False)
    assert (finished.state, finished.done, finished.total) == ("done", 4, 4)
    assert finished.percent == 100 and finished.result == {"counted": 4}
    assert [line.message for line in queue.get(job.pk).lines.all()][-1] == "done"


def test_a_failing_job_is_retried_then_done() -> None:
    job = queue.enqueue("tests.flaky")
    for expected in ("queued", "queued", "done"):
        claimed = queue.claim("w1")
        assert claimed is not None
        assert queue.run(claimed, heartbeat=False).state == expected
    job.refresh_from_db()
    assert job.attempts == 3 and job.result == {"attempt": 3}
    messages = [line.message for line in job.lines.all()]
    assert "attempt 1 failed: ValueError: Сбой на попытке 1" in messages


def test_a_job_gives_up_after_max_attempts() -> None:
    job = queue.enqueue("tests.flaky", max_attempts=2)
    for _ in range(2):
        queue.run(queue.claim("w1"), heartbeat=False)  # type: ignore[arg-type]
    job.refresh_from_db()
    assert job.state == "failed" and "попытке 2" in job.error
    assert queue.claim("w1") is None


def test_an_unknown_kind_fails_at_once() -> None:
    queue.enqueue("no.such.kind")
    job = queue.run(queue.claim("w1"), heartbeat=False)  # type: ignore[arg-type]
    assert job.state == "failed" and "no.such.kind" in job.error


def test_a_running_job_is_claimable_only_once_its_lease_has_passed() -> None:
    job = queue.enqueue("jobs.check", {"to": 5})
    held = queue.claim("dead-worker")
    assert held is not None and queue.claim("w2") is None
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    again = queue.claim("w2")
    assert again is not None and again.pk == job.pk and again.attempts == 2
    with pytest.raises(queue.LeaseLost):
        queue.progress(held, 1)  # the dead worker's late write is refused


@queue.kind("tests.busy_receiver")
def busy_receiver(job: Job) -> None:
    """Fails its first attempt asking for a wait of 90 s, then succeeds."""
    if job.attempts == 1:
        raise queue.RetryLater("503 from the receiver", 90)


def test_retry_later_holds_the_job_back_until_its_wait_is_over() -> None:
    job = queue.enqueue("tests.busy_receiver")
    first = queue.run(queue.claim("w1"), heartbeat=False)  # type: ignore[arg-type]
    assert (
        first.state == Job.State.QUEUED
        and first.error == "refuge.jobs.queue.RetryLater: 503 from the receiver"
    )
    assert first.run_after is not None
    assert 85 < (first.run_after - timezone.now()).total_seconds() <= 90
    assert queue.claim("w2") is None  # waiting
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now() - timedelta(seconds=1))
    second = queue.run(queue.claim("w2"), heartbeat=False)  # type: ignore[arg-type]
    assert (second.state, second.attempts) == (Job.State.DONE, 2)


def test_a_job_enqueued_to_run_later_is_not_claimed_before() -> None:
    later = queue.enqueue("jobs.check", {"to": 1}, run_after=timezone.now() + timedelta(hours=1))
    now = queue.enqueue("jobs.check", {"to": 1})
    assert queue.claim("w1").pk == now.pk  # type: ignore[union-attr]
    assert queue.claim("w1") is None
    assert later.state == Job.State.QUEUED
