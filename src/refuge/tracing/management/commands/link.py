"""`refuge link LEFT.csv RIGHT.csv --out LINKS.csv [--one-to-one]`: the core command, in Django.

The work is `refuge.core.linkage.cli.run_link`, wired as `dedupe.py` wires
`run`; this shell only maps its one-line errors to CommandError so `manage.py` prints them without a traceback.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.core.linkage.cli import UsageError, run_link
from refuge.core.linkage.cli import link_parser as parser
from refuge.core.linkage.csvio import InputError


class Command(BaseCommand):
    help = (
        "Find each record of one CSV in another (left_id,right_id,match_probability,reasons out)."
    )

    def add_arguments(self, parser_: CommandParser) -> None:
        parser_.add_argument("args", nargs=argparse.REMAINDER, help=parser().format_usage())

    def run_from_argv(self, argv: list[str]) -> None:
        # Arguments go to the core parser untouched, so both entry points accept the same.
        self._called_from_command_line = True
        try:
            self.execute(*argv[2:], no_color=False, force_color=False, skip_checks=True,
                         traceback=False, verbosity=1, stdout=None, stderr=None)  # fmt: skip
        except CommandError as exc:
            self.stderr.write(f"CommandError: {exc}")
            raise SystemExit(exc.returncode) from None

    def handle(self, *args: str, **options: Any) -> None:
        try:
            run_link(list(args), self.stdout, self.stderr)
        except (UsageError, InputError) as exc:
            raise CommandError(
                str(exc), returncode=2 if isinstance(exc, UsageError) else 1
            ) from None
        except OSError as exc:
            raise CommandError(f"{exc.filename or ''}: {exc.strerror}") from None
