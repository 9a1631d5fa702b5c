"""`refuge backup OUT`: the whole database to one file, while the server runs (web/backups.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.web.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database to one file (SQLite: a database file; PostgreSQL: pg_dump -Fc)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", type=Path, help="the file to write")

    def handle(self, *args: object, **options: object) -> None:
        out = options["output"]
        assert isinstance(out, Path)
        try:
            kind = backup(out)
        except BackupError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"{out}: {kind} backup, {out.stat().st_size:,} bytes")
