"""`refuge import households` and `refuge import shelters`: the command-line side of
spreadsheet lists (the page's side is list_views.py; both read with sheets.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from refuge.accounts.models import Membership
from refuge.accounts.scope import Actor
from refuge.fielddata import imports, sheets, shelters_import
from refuge.fielddata.exports import BadFile
from refuge.fielddata.models import SavedMapping
from refuge.fielddata.report import write_report
from refuge.jobs.progress import cli_progress
from refuge.operations.models import Operation
from refuge.registry.models import ReceptionPoint


def remembered(
    operation: Operation, sheet: sheets.Sheet, user: object | None
) -> sheets.Mapping | None:
    """The mapping last confirmed for these headers: the user's own, else anyone's."""
    found = SavedMapping.objects.filter(
        operation=operation, headers_key=sheets.headers_key(sheet.header)
    )
    pick = None
    if user is not None:
        pick = found.filter(user=user).order_by("-updated_at").first()
    pick = pick or found.order_by("-updated_at").first()
    if pick is None:
        return None
    try:
        return sheets.Mapping.from_json(pick.mapping, sheet.header)
    except BadFile:
        return None


def remember(
    operation: Operation, sheet: sheets.Sheet, mapping: sheets.Mapping, user: object | None
) -> None:
    SavedMapping.objects.update_or_create(
        operation=operation,
        user=user,
        headers_key=sheets.headers_key(sheet.header),
        defaults={"mapping": mapping.as_json(sheet.header)},
    )


def _point(operation: Operation, text: str) -> str:
    points = ReceptionPoint.objects.filter(operation=operation)
    if text:
        found = points.filter(Q(name=text) | Q(pk=int(text) if text.isdigit() else None))
        if found.count() != 1:
            known = "; ".join(f"{p.pk} {p.name}" for p in points)
            raise CommandError(f"no single reception point {text!r} (known: {known})")
        return f"p{found.get().pk}"
    if points.count() == 1:
        return f"p{points.get().pk}"
    raise CommandError("name the reception point with --point ID (or in the mapping)")


def import_households(
    command: BaseCommand, operation: Operation, path: Path, options: dict[str, Any]
) -> None:
    out = command.stdout
    try:
        sheet = sheets.read_sheet(path)
        if options["mapping"]:
            try:
                data = json.loads(options["mapping"].read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"{options['mapping']}: {error}") from None
            mapping = sheets.Mapping.from_json(data, sheet.header)
            source = str(options["mapping"])
        elif (mapping := remembered(operation, sheet, None)) is not None:  # type: ignore[assignment]
            source = "remembered for these headers"
        else:
            mapping = sheets.guess(sheet)
            source = "guessed from the headers and values"
    except BadFile as error:
        raise CommandError(f"{path.name}: {error}") from None
    if options["point"] or not mapping.point:
        mapping.point = _point(operation, options["point"] or "")
    out.write(f"mapping ({source}), header on row {sheet.first_row}:")
    for header, name in zip(sheet.header, mapping.columns, strict=True):
        out.write(f"  {header} -> {name or '-'}")
    places = imports.Places.of(operation, ReceptionPoint.objects.filter(operation=operation))
    at = timezone.now()
    report = sheets.check(sheet, mapping, places, operation_id=operation.pk, at=at)
    print_and_apply(
        command, report, operation=operation, path=path, options=options, unit="households",
        before_apply=lambda: remember(operation, sheet, mapping, None),
    )  # fmt: skip


def print_and_apply(
    command: BaseCommand,
    report: imports.Report,
    *,
    operation: Operation,
    path: Path,
    options: dict[str, Any],
    unit: str,
    before_apply: Callable[[], object] = lambda: None,
) -> None:
    """The end of every `refuge import`: each finding that is not an acceptance, the
    report file if asked, the summary; then, with --apply, the registration in batches
    with a progress bar on stderr."""
    out = command.stdout
    for f in report.findings:
        if f.outcome not in ("accepted", "already imported"):
            out.write(
                f"{f.sheet}, row {f.row}, {f.column or '-'}: "
                f"{sheets.outcome_label(f.outcome)}: {f.message}"
            )
    if options["report"]:
        write_report(report, options["report"])
    out.write(report.summary())
    before_apply()
    if options["apply"]:
        with cli_progress(unit, command.stderr._out, lines=True) as progress:
            created = imports.apply(
                operation=operation,
                report=report,
                actor=Actor(user=None, membership=None),
                file_name=path.name,
                file_hash=imports.sha256(path),
                progress=progress,
            )
        out.write(f"{created} households registered")


def import_shelters(
    command: BaseCommand, operation: Operation, path: Path, options: dict[str, Any]
) -> None:
    out = command.stdout
    user = get_user_model().objects.filter(username=options["user"]).first()
    membership = Membership.objects.filter(user=user, operation=operation).first()
    actor = Actor(user=user, membership=membership)
    try:
        shelters_import.region_of(actor)
        sheet = sheets.read_sheet(path)
        result = shelters_import.plan(sheet, actor)
    except (BadFile, PermissionError) as error:
        raise CommandError(f"{path.name}: {error}") from None
    for r in result.rows:
        if r.action == "rejected":
            for column, message in r.problems:
                out.write(f"row {r.row}, {column}: {message}")
        elif r.action != "unchanged":
            detail = ", ".join(r.changes) if r.action == "update" else ""
            out.write(f"row {r.row}: {r.action} {r.name} {detail}".rstrip())
    out.write(result.summary())
    if options["apply"]:
        refused = shelters_import.apply(result, actor, path.name)
        for r, reason in refused:
            out.write(f"row {r.row}: refused: {reason}")
        written = result.count("create") + result.count("update") - len(refused)
        out.write(f"{written} shelters written")
