"""`webhooks.deliver`: one attempt at one delivery per claim of the job.

An attempt is recorded whatever happens (status code, error, duration). A receiver that
does not answer 2xx within REFUGE_WEBHOOK_TIMEOUT seconds is tried again after
REFUGE_WEBHOOK_BACKOFF_SECONDS × 2^(attempt − 1) (capped at six hours), through the job
queue's `RetryLater`; after REFUGE_WEBHOOK_MAX_ATTEMPTS attempts the delivery is failed,
and a subscription whose last REFUGE_WEBHOOK_SUSPEND_AFTER deliveries all failed is
suspended (its waiting deliveries are cancelled at their next attempt, as on removal).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from refuge.jobs import queue
from refuge.jobs.models import Job
from refuge.webhooks import signing, transport
from refuge.webhooks.actions import do_suspend_if_failing
from refuge.webhooks.models import Attempt, Delivery

MAX_DELAY = 6 * 3600
USER_AGENT = "Refuge-Webhooks/1"


def backoff(attempt: int) -> float:
    """Seconds to wait after failed attempt number `attempt` (1, 2, …)."""
    return float(min(MAX_DELAY, settings.REFUGE_WEBHOOK_BACKOFF_SECONDS * 2 ** (attempt - 1)))


def headers_for(delivery: Delivery, body: bytes, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "Refuge-Event-Id": str(delivery.event_id),
        "Refuge-Event-Type": delivery.event,
        "Refuge-Delivery": str(delivery.pk),
        "Refuge-Timestamp": str(timestamp),
        "Refuge-Signature": signing.header(delivery.subscription.secret, timestamp, body),
    }


@queue.kind("webhooks.deliver")
def deliver(job: Job) -> dict[str, Any]:
    delivery = Delivery.objects.select_related("subscription__owner").get(
        pk=job.payload["delivery"]
    )
    if delivery.state != Delivery.State.PENDING:
        return {"state": delivery.state}
    subscription = delivery.subscription
    gone = subscription.removed_at is not None or subscription.suspended_at is not None
    if gone or not subscription.owner.is_active:
        delivery.state, delivery.next_attempt_at = Delivery.State.CANCELLED, None
        delivery.save(update_fields=["state", "next_attempt_at"])
        return {"state": delivery.state}
    body = delivery.body.encode()
    sent = timezone.now()
    outcome = transport.post(
        subscription.url,
        body,
        headers_for(delivery, body, int(sent.timestamp())),
        timeout=settings.REFUGE_WEBHOOK_TIMEOUT,
    )
    delivery.attempts += 1
    Attempt.objects.create(
        delivery=delivery, number=delivery.attempts, at=sent, status_code=outcome.status_code,
        error=outcome.error, duration_ms=outcome.duration_ms,
    )  # fmt: skip
    if outcome.accepted:
        delivery.state, delivery.delivered_at = Delivery.State.DELIVERED, timezone.now()
        delivery.next_attempt_at = None
        delivery.save(update_fields=["state", "delivered_at", "next_attempt_at", "attempts"])
        return {"state": delivery.state, "status_code": outcome.status_code}
    if job.attempts >= job.max_attempts:
        delivery.state, delivery.next_attempt_at = Delivery.State.FAILED, None
        delivery.save(update_fields=["state", "next_attempt_at", "attempts"])
        do_suspend_if_failing(subscription)
        raise RuntimeError(f"gave up after {delivery.attempts} attempts: {outcome.error}")
    delay = backoff(delivery.attempts)
    delivery.next_attempt_at = timezone.now() + timedelta(seconds=delay)
    delivery.save(update_fields=["next_attempt_at", "attempts"])
    raise queue.RetryLater(outcome.error, delay)
