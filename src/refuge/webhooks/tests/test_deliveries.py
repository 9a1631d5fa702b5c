"""Deliveries to real receivers on this host: signed, retried with backoff, recorded,
and never waited for by the request that caused the event."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from refuge.api.tests.helpers import bearer, token_for
from refuge.desks.tests.world import MSK, World
from refuge.jobs import queue
from refuge.jobs.models import Job
from refuge.shelters.actions import do_change_status
from refuge.webhooks.models import Delivery
from refuge.webhooks.tests.receivers import Receiver, Silent

# The receivers listen on 127.0.0.1, which the SSRF rule refuses unless configured.
LOCAL = override_settings(
    REFUGE_WEBHOOK_ALLOWED_NETWORKS=["127.0.0.1/32"], REFUGE_WEBHOOK_BACKOFF_SECONDS=60
)


def subscribe(client: Client, url: str, events: list[str], **extra: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v1/webhooks/",
        {"url": url, "events": events, **extra},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def work_once() -> Job | None:
    """What one turn of `refuge jobs work` does: claim the oldest due job and run it."""
    job = queue.claim("test-worker")
    return None if job is None else queue.run(job, heartbeat=False)


def wait_is_over() -> None:
    """Time passes for the queue: every backoff has run out."""
    Job.objects.filter(state=Job.State.QUEUED).update(
        run_after=timezone.now() - timedelta(seconds=1)
    )


def seconds_until(moment: datetime | None) -> float:
    assert moment is not None
    return (moment - timezone.now()).total_seconds()


def partner_verifies(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What a partner's receiver does with a request, as docs/API.md tells them to."""
    timestamp = headers["Refuge-Timestamp"]
    scheme, _, given = headers["Refuge-Signature"].partition("=")
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    fresh = abs(time.time() - int(timestamp)) <= 300
    return scheme == "v1" and hmac.compare_digest(expected, given) and fresh


@LOCAL
def test_a_receiver_failing_twice_then_accepting_gets_one_accepted_signed_delivery(
    world: World,
) -> None:
    client = bearer(token_for(world.users["national"]))
    with Receiver([500, 503, 204]) as receiver:
        hook = subscribe(client, receiver.url, ["shelter.status_changed"])
        do_change_status(shelter=world.shelter_a, status="full", at=datetime.now(MSK),
                         reason="Мест нет: спортзал закрыт на ремонт")  # fmt: skip
        assert receiver.received == []  # the change itself sends nothing

        first = work_once()
        assert first is not None and first.state == Job.State.QUEUED
        assert 55 < seconds_until(first.run_after) <= 60  # backoff: 60 s after attempt 1
        assert work_once() is None  # not due yet: nothing is sent before its time
        wait_is_over()
        second = work_once()
        assert second is not None and 115 < seconds_until(second.run_after) <= 120  # 2 × 60 s
        wait_is_over()
        third = work_once()
        assert third is not None and third.state == Job.State.DONE
        wait_is_over()
        assert work_once() is None  # delivered: never sent again

    assert [r.answered for r in receiver.received] == [500, 503, 204]
    accepted = [r for r in receiver.received if 200 <= r.answered < 300]
    assert len(accepted) == 1
    (ok,) = accepted
    assert partner_verifies(hook["secret"], ok.headers, ok.body)
    assert not partner_verifies(hook["secret"], ok.headers, ok.body.replace(b"full", b"open"))
    assert not partner_verifies("whsec_" + "x" * 43, ok.headers, ok.body)
    event = json.loads(ok.body)
    assert event["type"] == "shelter.status_changed"
    assert event["data"]["shelter"]["id"] == world.shelter_a.pk
    assert (event["data"]["previous_status"], event["data"]["shelter"]["status"]) == (
        "open",
        "full",
    )
    # Every attempt carries the same event id, so a receiver can drop a repeat.
    assert {r.headers["Refuge-Event-Id"] for r in receiver.received} == {event["id"]}

    listed = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries/").json()["results"]
    assert len(listed) == 1 and listed[0]["state"] == "delivered"
    assert [(a["number"], a["status_code"], a["error"]) for a in listed[0]["attempts"]] == [
        (1, 500, "HTTP 500"), (2, 503, "HTTP 503"), (3, 204, ""),
    ]  # fmt: skip


@LOCAL
def test_a_receiver_that_never_answers_does_not_hold_up_the_request_that_caused_the_event(
    world: World,
) -> None:
    national = world.users["national"]
    with Silent() as silent:
        subscribe(bearer(token_for(national)), silent.url,
                  ["shelter.status_changed", "shelter.capacity_changed"])  # fmt: skip
        desk = Client()
        desk.force_login(national)
        response = desk.post(
            f"/desk/shelters/{world.shelter_a.pk}/status/",
            {"status": "open", "capacity": 60, "reason": "Второй корпус школы № 1127 открыт"},
        )
        # The request has answered. Its event waits in the queue, not attempted, and the
        # receiver has not even been connected to.
        assert response.status_code == 302
        (delivery,) = Delivery.objects.all()
        assert (delivery.event, delivery.state, delivery.attempts) == (
            "shelter.capacity_changed", "pending", 0,
        )  # fmt: skip
        assert delivery.job is not None and delivery.job.state == Job.State.QUEUED
        assert not silent.waiting_connections()

        # A worker then tries: no answer within the timeout, recorded, to be tried again.
        with override_settings(REFUGE_WEBHOOK_TIMEOUT=0.3):
            job = work_once()
        assert silent.waiting_connections()
    assert job is not None and job.state == Job.State.QUEUED
    delivery.refresh_from_db()
    (attempt,) = delivery.tries.all()
    assert attempt.status_code is None and attempt.error == "no answer within 0.3 s"
    assert delivery.state == "pending" and delivery.next_attempt_at is not None


@LOCAL
@override_settings(REFUGE_WEBHOOK_MAX_ATTEMPTS=3)
def test_after_its_last_attempt_a_delivery_is_failed_and_left_alone(world: World) -> None:
    client = bearer(token_for(world.users["national"]))
    with Receiver([502]) as receiver:
        hook = subscribe(client, receiver.url, ["shelter.capacity_changed"])
        do_change_status(shelter=world.shelter_b, status="open", capacity=120,
                         at=datetime.now(MSK), reason="раскладушки привезли")  # fmt: skip
        for _ in range(5):
            work_once()
            wait_is_over()
    assert len(receiver.received) == 3
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == ("failed", 3, None)
    assert delivery.job is not None
    delivery.job.refresh_from_db()
    assert delivery.job.state == Job.State.FAILED
    listed = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries/").json()["results"]
    assert [(d["state"], len(d["attempts"])) for d in listed] == [("failed", 3)]


@LOCAL
def test_a_change_that_rolls_back_queues_nothing(world: World) -> None:
    client = bearer(token_for(world.users["national"]))
    with Receiver([204]) as receiver:
        subscribe(client, receiver.url, ["shelter.status_changed"])
        with pytest.raises(RuntimeError), transaction.atomic():
            do_change_status(shelter=world.shelter_a, status="full", at=datetime.now(MSK))
            raise RuntimeError("the desk's next write failed")
        assert not Delivery.objects.exists()
        assert not Job.objects.filter(kind="webhooks.deliver").exists()
        assert work_once() is None
    assert receiver.received == []


@LOCAL
def test_each_attempt_checks_the_address_again(world: World) -> None:
    """A receiver allowed when subscribed but not any more (or a name that now resolves
    to a private address) is not connected to."""
    with Receiver([204]) as receiver:
        subscribe(bearer(token_for(world.users["national"])), receiver.url,
                  ["shelter.status_changed"])  # fmt: skip
        do_change_status(shelter=world.shelter_a, status="full", at=datetime.now(MSK))
        with override_settings(REFUGE_WEBHOOK_ALLOWED_NETWORKS=[]):
            work_once()
    assert receiver.received == []
    (attempt,) = Delivery.objects.get().tries.all()
    assert attempt.status_code is None and "127.0.0.1, a private or reserved" in attempt.error


@LOCAL
@override_settings(REFUGE_WEBHOOK_MAX_ATTEMPTS=2, REFUGE_WEBHOOK_SUSPEND_AFTER=3)
def test_a_receiver_that_keeps_failing_is_suspended_until_its_owner_resumes_it(
    world: World,
) -> None:
    from refuge.audit.models import AuditEvent

    client = bearer(token_for(world.users["national"]))

    def capacity_changes(n: int, start: int) -> None:
        for k in range(n):
            do_change_status(shelter=world.shelter_b, status="open", capacity=start + k,
                             at=datetime.now(MSK), reason="раскладушки")  # fmt: skip
            for _ in range(3):
                work_once()
                wait_is_over()

    with Receiver([500, 500, 204, 500]) as receiver:  # one delivered, then down for good
        hook = subscribe(client, receiver.url, ["shelter.capacity_changed"])
        capacity_changes(3, start=100)
        states = list(Delivery.objects.order_by("pk").values_list("state", flat=True))
        assert states == ["failed", "delivered", "failed"]  # not three failures in a row
        assert client.get(f"/api/v1/webhooks/{hook['id']}/").json()["suspended_at"] is None

        capacity_changes(3, start=110)
        listed = client.get(f"/api/v1/webhooks/{hook['id']}/").json()
        assert listed["suspended_at"] is not None
        assert "last 3 deliveries failed" in listed["suspended_reason"]
        queued = Delivery.objects.count()
        capacity_changes(2, start=120)  # suspended: nothing is queued for it
        assert Delivery.objects.count() == queued
        suspended = AuditEvent.objects.filter(object_type="webhook", summary__startswith="susp")
        assert suspended.count() == 1 and suspended.get().user is None

        other = bearer(token_for(world.users["registrar_a"]))
        assert other.post(f"/api/v1/webhooks/{hook['id']}/resume/").status_code == 404
        resumed = client.post(f"/api/v1/webhooks/{hook['id']}/resume/")
        assert resumed.status_code == 200 and resumed.json()["suspended_at"] is None
        receiver.answers[:] = [204]
        before = len(receiver.received)
        capacity_changes(1, start=130)
        assert len(receiver.received) == before + 1
        assert Delivery.objects.order_by("-pk").first().state == "delivered"  # type: ignore[union-attr]
