"""`refuge import kobo|odk|households|shelters FILE [--apply]`: field data in.

kobo/odk: registrations from ODK Collect / KoboToolbox exports. households: any
spreadsheet list (.xlsx, .ods, .csv) with a column mapping guessed from its headers,
given with --mapping M.json, or remembered from an earlier list with the same headers
(fielddata/sheets.py). shelters: a region's shelter list (fielddata/shelters_import.py).

Without --apply a dry run: the report (one line per finding, naming sheet, row and
column) and nothing written. With --apply the accepted submissions are registered in
batches (fielddata/imports.py); run again after a crash, it completes what is missing.
A progress bar (rich) is drawn on stderr when it is a terminal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.fielddata import imports
from refuge.fielddata.exports import BadFile
from refuge.fielddata.list_command import import_households, import_shelters, print_and_apply
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
        p = sub.add_parser("households", help="a spreadsheet list: .xlsx, .ods or .csv")
        p.add_argument("file", type=Path)
        p.add_argument("--mapping", type=Path, help="the column mapping as JSON (see the docs)")
        p.add_argument("--point", help="the reception point's id or name (else the mapping's)")
        p.add_argument("--apply", action="store_true", help="register (default: dry run)")
        p.add_argument("--operation", help="the operation's slug (default: the only one)")
        p.add_argument("--report", type=Path, help="also write the report as .xlsx")
        p = sub.add_parser("shelters", help="a region's shelter list: .xlsx, .ods or .csv")
        p.add_argument("file", type=Path)
        p.add_argument("--user", required=True, help="the regional coordinator importing it")
        p.add_argument("--apply", action="store_true", help="write (default: dry run)")
        p.add_argument("--operation", help="the operation's slug (default: the only one)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            operation = operation_named(options["operation"])
        except Exception as error:
            raise CommandError(str(error)) from None
        path: Path = options["file"]
        if options["source"] == "households":
            import_households(self, operation, path, options)
            return
        if options["source"] == "shelters":
            import_shelters(self, operation, path, options)
            return
        try:
            found = imports.read(path)
        except BadFile as error:
            raise CommandError(f"{path.name}: {error}") from None
        points = ReceptionPoint.objects.filter(operation=operation)
        report = imports.check(found, imports.Places.of(operation, points))
        del found  # the report holds what the apply needs; the file's cells can go
        print_and_apply(
            self, report, operation=operation, path=path, options=options, unit="submissions"
        )
