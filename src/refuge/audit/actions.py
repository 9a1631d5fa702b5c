"""Writing the audit trail. Called by the selectors and actions that touch personal data."""

from __future__ import annotations

from refuge.accounts.scope import Actor
from refuge.audit.models import AuditEvent


def do_record(
    *,
    actor: Actor,
    action: str,
    object_type: str = "",
    object_id: object = "",
    summary: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        user=actor.user if actor.user is not None and actor.user.is_authenticated else None,
        username=actor.username,
        role=actor.role,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary,
        ip=actor.ip,
    )
