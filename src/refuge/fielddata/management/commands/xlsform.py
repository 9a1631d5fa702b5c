"""`refuge xlsform --operation SLUG --out registration.xlsx`: the ODK/Kobo form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.fielddata.xlsform import write_form
from refuge.operations.models import Operation


class Command(BaseCommand):
    help = "Write the household registration form as an XLSForm for ODK Collect / KoboToolbox."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--operation", required=True, help="the operation's slug")
        parser.add_argument("--out", required=True, type=Path, help="the .xlsx file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        operation = Operation.objects.filter(slug=options["operation"]).first()
        if operation is None:
            raise CommandError(f"no operation {options['operation']!r}")
        try:
            write_form(operation, options["out"])
        except OSError as error:
            raise CommandError(f"cannot write {options['out']}: {error.strerror}") from None
        self.stdout.write(str(options["out"]))
