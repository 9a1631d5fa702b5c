"""Subscribing a partner's URL and removing it: by the subscription's owner, or by a
national coordinator of the owner's operation (as for API tokens). Each writes its audit
entry in the same transaction. The secret is returned once, by `do_create_subscription`.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from refuge.accounts.models import Membership, Role
from refuge.accounts.scope import Actor
from refuge.api.actions import may_manage
from refuge.audit.actions import do_record
from refuge.audit.models import AuditEvent
from refuge.webhooks import transport
from refuge.webhooks.events import SHELTER_EVENTS
from refuge.webhooks.models import Delivery, Event, Subscription

A = AuditEvent.Action
SECRET_PREFIX = "whsec_"
READS_SHELTERS = (Role.NATIONAL_COORDINATOR, Role.REGIONAL_COORDINATOR, Role.SHELTER_MANAGER)


class SubscriptionRefused(ValueError):
    """A subscription that cannot be made; `field` names what to correct."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def actor_of(user: object) -> Actor:
    membership = (
        Membership.objects.select_related("operation", "region", "reception_point")
        .filter(user=user)
        .order_by("-operation__started_at")
        .first()
    )
    return Actor(user=user, membership=membership)


def events_for(role: str) -> list[str]:
    """The events an account of `role` may receive: shelter events need shelter reading."""
    return [e for e in Event.values if e not in SHELTER_EVENTS or role in READS_SHELTERS]


def do_create_subscription(
    *, actor: Actor, owner: object, url: str, events: Sequence[str], label: str = ""
) -> tuple[Subscription, str]:
    """A new subscription for `owner`; returns it with its signing secret (shown once)."""
    if not may_manage(actor, owner):
        raise PermissionDenied
    owner_actor = actor_of(owner)
    if owner_actor.membership is None:
        raise SubscriptionRefused("owner", _("This account belongs to no operation."))
    chosen = list(dict.fromkeys(events))
    if not chosen:
        raise SubscriptionRefused("events", _("Choose at least one event."))
    unknown = [e for e in chosen if e not in Event.values]
    if unknown:
        raise SubscriptionRefused("events", _("Unknown event: %(event)s") % {"event": unknown[0]})
    allowed = events_for(owner_actor.role)
    denied = [e for e in chosen if e not in allowed]
    if denied:
        raise SubscriptionRefused(
            "events",
            _("%(event)s: this account's role does not read shelters") % {"event": denied[0]},
        )
    if len(url) > 500:
        raise SubscriptionRefused("url", _("The URL is longer than 500 characters."))
    try:
        transport.validate(url)
    except transport.Refused as refused:
        raise SubscriptionRefused("url", str(refused)) from None
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        subscription = Subscription.objects.create(
            owner=owner, operation=owner_actor.membership.operation, url=url, events=chosen,
            label=label[:100], secret=secret, created_by=_user(actor),
        )  # fmt: skip
        do_record(actor=actor, action=A.CREATE, object_type="webhook", object_id=subscription.pk,
                  summary=f"{', '.join(chosen)}"[:300])  # fmt: skip
    return subscription, secret


def do_remove_subscription(*, actor: Actor, subscription: Subscription) -> Subscription:
    """Stop sending to it; deliveries still waiting are cancelled at their next attempt."""
    if not may_manage(actor, subscription.owner):
        raise PermissionDenied
    with transaction.atomic():
        if subscription.removed_at is None:
            subscription.removed_at = timezone.now()
            subscription.removed_by = _user(actor)
            subscription.save(update_fields=["removed_at", "removed_by"])
            do_record(actor=actor, action=A.CHANGE, object_type="webhook",
                      object_id=subscription.pk, summary="removed")  # fmt: skip
    return subscription


def do_suspend_if_failing(subscription: Subscription) -> bool:
    """After a delivery failed for good: suspend the subscription if its last
    REFUGE_WEBHOOK_SUSPEND_AFTER finished deliveries all failed. True when it did."""
    n = settings.REFUGE_WEBHOOK_SUSPEND_AFTER
    if n < 1 or subscription.suspended_at is not None or subscription.removed_at is not None:
        return False
    finished = subscription.deliveries.filter(
        state__in=[Delivery.State.DELIVERED, Delivery.State.FAILED]
    ).order_by("-pk")
    last = list(finished.values_list("state", flat=True)[:n])
    if len(last) < n or any(state != Delivery.State.FAILED for state in last):
        return False
    with transaction.atomic():
        subscription.suspended_at = timezone.now()
        subscription.suspended_reason = (
            f"the last {n} deliveries failed after every attempt"  # English: the audit's
        )
        subscription.save(update_fields=["suspended_at", "suspended_reason"])
        do_record(actor=Actor(user=None, membership=None), action=A.CHANGE,
                  object_type="webhook", object_id=subscription.pk,
                  summary=f"suspended: {subscription.suspended_reason}")  # fmt: skip
    return True


def do_resume_subscription(*, actor: Actor, subscription: Subscription) -> Subscription:
    """Send to it again, from the next event on (what came while suspended is not sent)."""
    if not may_manage(actor, subscription.owner):
        raise PermissionDenied
    with transaction.atomic():
        if subscription.suspended_at is not None:
            subscription.suspended_at, subscription.suspended_reason = None, ""
            subscription.save(update_fields=["suspended_at", "suspended_reason"])
            do_record(actor=actor, action=A.CHANGE, object_type="webhook",
                      object_id=subscription.pk, summary="resumed")  # fmt: skip
    return subscription


def subscriptions_for(actor: Actor) -> QuerySet[Subscription]:
    """Live subscriptions the actor may see: their own; a national coordinator's operation's."""
    m = actor.membership
    live = Subscription.objects.filter(removed_at__isnull=True).select_related("owner")
    if m is not None and m.role == Role.NATIONAL_COORDINATOR:
        return live.filter(operation=m.operation)
    if actor.user is None or getattr(actor.user, "pk", None) is None:
        return Subscription.objects.none()
    return live.filter(owner=actor.user)


def deliveries_of(subscription: Subscription) -> QuerySet[Delivery]:
    return subscription.deliveries.select_related("job").prefetch_related("tries")


def _user(actor: Actor) -> object | None:
    return actor.user if getattr(actor.user, "pk", None) else None
