"""Publishing the situation report: the figures as of a moment go out to the partners
subscribed to `sitrep.published` (webhooks), and the act is audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from refuge.accounts.scope import Actor
from refuge.audit.actions import do_record
from refuge.audit.models import AuditEvent
from refuge.operations.models import Operation
from refuge.reports.selectors import sitrep
from refuge.webhooks import events as webhooks


@transaction.atomic
def do_publish_sitrep(*, actor: Actor, operation: Operation, as_of: datetime) -> dict[str, Any]:
    """The report as JSON (aggregate figures only), queued for every subscriber."""
    report = sitrep(operation, as_of).as_json()
    deliveries = webhooks.sitrep_published(operation, report, as_of=as_of)
    do_record(actor=actor, action=AuditEvent.Action.EXPORT, object_type="sitrep",
              object_id=operation.slug,
              summary=f"published as of {as_of.isoformat()} to {len(deliveries)} webhook(s)")  # fmt: skip
    return report
