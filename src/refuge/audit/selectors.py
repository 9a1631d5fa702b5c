from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from refuge.accounts.models import Role
from refuge.accounts.scope import Actor
from refuge.audit.models import AuditEvent


def audit_events(
    actor: Actor,
    *,
    username: str = "",
    action: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    if not actor.has_role(Role.AUDITOR):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.all()
    if username:
        events = events.filter(username__iexact=username)
    if action:
        events = events.filter(action=action)
    tz = timezone.get_current_timezone()
    if since:
        events = events.filter(at__gte=datetime.combine(since, time.min, tz))
    if until:
        events = events.filter(at__lt=datetime.combine(until + timedelta(days=1), time.min, tz))
    return events
