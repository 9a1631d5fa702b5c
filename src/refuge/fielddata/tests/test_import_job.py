"""An import applied as a background job: progress to 100 %, a log, and the user's scope."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model

from refuge.accounts.models import Membership, Role
from refuge.accounts.scope import Actor
from refuge.audit.models import AuditEvent
from refuge.fielddata import imports
from refuge.fielddata.selectors import import_points_for
from refuge.fielddata.tests import exportfiles
from refuge.jobs import queue
from refuge.operations.selectors import coverage_start
from refuge.registry.models import Household, ReceptionPoint


def test_import_job_registers_within_the_registrars_point_only(
    operation, reception_point, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    other = ReceptionPoint.objects.create(
        operation=operation,
        name="Курчатов, ДК",
        region=operation.affected_region,
        lat=51.66,
        lon=35.65,
    )
    user = get_user_model().objects.create_user("registrar-1000001")
    membership = Membership.objects.create(
        user=user, operation=operation, role=Role.REGISTRAR, reception_point=reception_point
    )
    points = list(import_points_for(Actor(user=user, membership=membership)))
    assert points == [reception_point]
    origins = [f"s{pk}" for pk in sorted(coverage_start(operation))[:5]]
    rows = exportfiles.households(6, origins, f"p{reception_point.pk}")
    rows[4].point = f"p{other.pk}"  # another desk's point: not this registrar's to import
    export = exportfiles.kobo_xlsx(tmp_path / "kobo.xlsx", rows)
    job = queue.enqueue(
        "fielddata.import",
        {"path": str(export), "operation": operation.pk, "user": user.pk,
         "membership": membership.pk, "points": [p.pk for p in points],
         "file_name": "kobo.xlsx", "sha256": imports.sha256(export)},
        created_by=user,
    )  # fmt: skip
    claimed = queue.claim("w1")
    assert claimed is not None and claimed.pk == job.pk
    done = queue.run(claimed, heartbeat=False)
    assert done.state == "done" and done.percent == 100, done.error
    assert done.result == {"registered": 5, "already": 0, "rejected": 1}
    assert not Household.objects.filter(reception_point=other).exists()
    assert "5 accepted, 1 rejected, 0 already imported" in [x.message for x in done.lines.all()]
    audit = AuditEvent.objects.get(object_type="import")
    assert audit.username == "registrar-1000001" and imports.sha256(export) in audit.summary
