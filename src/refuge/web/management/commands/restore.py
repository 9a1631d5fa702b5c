"""`refuge restore IN [--force]`: a backup back into the database (web/backups.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.web.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by `refuge backup`; refuses a non-empty database without --force."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path, help="the backup file")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that already holds data"
        )

    def handle(self, *args: object, **options: object) -> None:
        source = options["input"]
        assert isinstance(source, Path)
        try:
            kind = restore(source, force=bool(options["force"]))
        except BackupError as e:
            raise CommandError(str(e)) from None
        call_command("migrate", verbosity=0)  # a backup from an older release comes up to date
        self.stdout.write(f"{source}: {kind} backup restored")
