"""Events for partners' webhooks: raised where the change happens, delivered later.

`emit` writes one `Delivery` and one `webhooks.deliver` job per subscription that wants
the event and whose account may read what it is about, in the caller's transaction
(an outbox): a change that rolls back leaves no delivery, a committed one cannot lose
its deliveries to a crash between the commit and a callback, and no worker can see the
job before the commit. Nothing here talks to a receiver; the request that caused the
event only adds these rows (a few milliseconds), whatever the receivers do.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from refuge.webhooks.models import Delivery, Event, Subscription

SHELTER_EVENTS = (
    Event.SHELTER_STATUS_CHANGED,
    Event.SHELTER_CAPACITY_CHANGED,
    Event.SHELTER_NEARLY_FULL,
)


def _subscribers(operation_id: int, event: str) -> list[Subscription]:
    live = Subscription.objects.filter(
        operation_id=operation_id,
        removed_at__isnull=True,
        suspended_at__isnull=True,
        owner__is_active=True,
    ).select_related("owner")
    return [s for s in live if event in s.events]


def wanted(operation_id: int, event: str) -> bool:
    """Whether anyone listens: callers skip preparing an event nobody wants."""
    return bool(_subscribers(operation_id, event))


def _may_read(subscription: Subscription, event: str, shelter_id: int | None) -> bool:
    """Events about a shelter go only to accounts that may read that shelter, now."""
    if event not in SHELTER_EVENTS:
        return True  # warnings are public; the sitrep is every role's
    from refuge.accounts.scope import shelters_for
    from refuge.webhooks.actions import actor_of

    return shelters_for(actor_of(subscription.owner)).filter(pk=shelter_id).exists()


def emit(
    *, operation_id: int, event: str, data: dict[str, Any], shelter_id: int | None = None
) -> list[Delivery]:
    from refuge.jobs import queue

    subscribers = [s for s in _subscribers(operation_id, event) if _may_read(s, event, shelter_id)]
    if not subscribers:
        return []
    event_id = uuid.uuid4()
    body = json.dumps(
        {"id": str(event_id), "type": event, "created_at": timezone.now().isoformat(),
         "data": data},
        ensure_ascii=False, separators=(",", ":"), default=str,
    )  # fmt: skip
    made = []
    with transaction.atomic():
        for s in subscribers:
            delivery = Delivery.objects.create(
                subscription=s, event_id=event_id, event=event, body=body
            )
            delivery.job = queue.enqueue(
                "webhooks.deliver",
                {"delivery": delivery.pk},
                max_attempts=settings.REFUGE_WEBHOOK_MAX_ATTEMPTS,
            )
            delivery.save(update_fields=["job"])
            made.append(delivery)
    return made


# What each event says: aggregate figures and public facts only, never a person.


def shelter_data(shelter: Any) -> dict[str, Any]:
    region = getattr(shelter, "region", None)
    return {
        "id": shelter.pk,
        "name": shelter.name,
        "region": getattr(region, "code", None),
        "status": shelter.status,
        "capacity": shelter.capacity,
        "occupancy": shelter.occupancy,
        "reserved": shelter.reserved,
        "free": shelter.free,
    }


def shelter_changed(shelter: Any, *, before_status: str, before_capacity: int, change: Any) -> None:
    """After a status or capacity change (shelters.actions.do_change_status)."""
    from refuge.shelters.models import Shelter

    if before_status == shelter.status and before_capacity == shelter.capacity:
        return
    operation_id = shelter.operation_id
    events = []
    if before_status != shelter.status:
        events.append((Event.SHELTER_STATUS_CHANGED, {"previous_status": before_status}))
    if before_capacity != shelter.capacity:
        events.append((Event.SHELTER_CAPACITY_CHANGED, {"previous_capacity": before_capacity}))
    events = [(e, extra) for e, extra in events if wanted(operation_id, e)]
    crossed = wanted(operation_id, Event.SHELTER_NEARLY_FULL)
    if not events and not crossed:
        return
    now = Shelter.objects.select_related("region").get(pk=shelter.pk)
    common = {"at": change.at.isoformat(), "reason": change.reason}
    for event, extra in events:
        emit(operation_id=operation_id, event=event, shelter_id=now.pk,
             data={"shelter": shelter_data(now), **extra, **common})  # fmt: skip
    if crossed:
        taken = now.occupancy + now.reserved
        _nearly_full(now, taken_before=taken, capacity_before=before_capacity)


def places_taken(shelter_id: int, operation_id: int, added: int) -> None:
    """After places were reserved or people checked in: `added` more places are taken."""
    if added <= 0 or not wanted(operation_id, Event.SHELTER_NEARLY_FULL):
        return
    from refuge.shelters.models import Shelter

    now = Shelter.objects.select_related("region").get(pk=shelter_id)
    taken = now.occupancy + now.reserved
    _nearly_full(now, taken_before=taken - added, capacity_before=now.capacity)


def threshold() -> float:
    return float(settings.REFUGE_WEBHOOK_NEARLY_FULL)


def _at_or_above(taken: int, capacity: int) -> bool:
    return capacity > 0 and taken >= threshold() * capacity


def _nearly_full(shelter: Any, *, taken_before: int, capacity_before: int) -> None:
    """Once per crossing: below the threshold before this change, at or above it after."""
    taken = shelter.occupancy + shelter.reserved
    if _at_or_above(taken_before, capacity_before) or not _at_or_above(taken, shelter.capacity):
        return
    emit(operation_id=shelter.operation_id, event=Event.SHELTER_NEARLY_FULL, shelter_id=shelter.pk,
         data={"shelter": shelter_data(shelter), "threshold": threshold(),
               "taken": taken})  # fmt: skip


def alert_released(alert: Any) -> None:
    if alert.operation_id is None or not wanted(alert.operation_id, Event.ALERT_RELEASED):
        return
    public = settings.REFUGE_PUBLIC_URL.rstrip("/")
    data = {
        "id": alert.pk,
        "identifier": alert.identifier,
        "sender": alert.sender,
        "msg_type": alert.msg_type,
        "template": alert.template,
        "region": alert.region or None,
        "sent": alert.sent,
        "expires": alert.expires,
        "summary": alert.summary,
        "cap_url": f"{public}/alerts/{alert.pk}.xml" if public else None,
    }
    emit(operation_id=alert.operation_id, event=Event.ALERT_RELEASED, data=data)


def sitrep_published(operation: Any, report: dict[str, Any], *, as_of: Any) -> list[Delivery]:
    return emit(
        operation_id=operation.pk,
        event=Event.SITREP_PUBLISHED,
        data={"operation": operation.slug, "as_of": as_of.isoformat(), "sitrep": report},
    )
