"""`refuge import kobo|odk FILE [--apply]`: registrations from ODK Collect / KoboToolbox.

Without --apply a dry run: the report (one line per finding, naming sheet, row and
column) and nothing written. With --apply the accepted submissions are registered in
batches (fielddata/imports.py); run again after a crash, it completes what is missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.accounts.scope import Actor
from refuge.fielddata import imports
from refuge.fielddata.exports import BadFile
from refuge.fielddata.report import write_report
from refuge.registry.models import ReceptionPoint
from refuge.reports.selectors import operation_named


class Command(BaseCommand):
    help = "Import registrations exported by KoboToolbox or ODK Central (dry run unless --apply)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="source", required=True)
        for source in ("kobo", "odk"):
            p = sub.add_parser(source, help=f"a {source} export: .xlsx, .csv or .zip")
            p.add_argument("file", type=Path)
            p.add_argument("--apply", action="store_true", help="register (default: dry run)")
            p.add_argument("--operation", help="the operation's slug (default: the only one)")
            p.add_argument("--report", type=Path, help="also write the report as .xlsx")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            operation = operation_named(options["operation"])
        except Exception as error:
            raise CommandError(str(error)) from None
        path: Path = options["file"]
        try:
            found = imports.read(path)
        except BadFile as error:
            raise CommandError(f"{path.name}: {error}") from None
        points = ReceptionPoint.objects.filter(operation=operation)
        report = imports.check(found, imports.Places.of(operation, points))
        for f in report.findings:
            if f.outcome not in ("accepted", "already imported"):
                self.stdout.write(
                    f"{f.sheet}, row {f.row}, {f.column or '-'}: {f.outcome}: {f.message}"
                )
        if options["report"]:
            write_report(report, options["report"])
        self.stdout.write(report.summary())
        if options["apply"]:
            created = imports.apply(
                operation=operation,
                report=report,
                actor=Actor(user=None, membership=None),
                file_name=path.name,
                file_hash=imports.sha256(path),
                progress=self._progress,
            )
            self.stdout.write(f"{created} households registered")

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"\r{done}/{total} submissions", ending="")
        if done == total:
            self.stderr.write("")
