"""The Django shell around a pure-core linkage command (`dedupe`, `link`).

The core's own parser reads the arguments untouched, so `refuge dedupe …` and the core CLI
accept the same; this shell only maps the core's one-line errors to CommandError, so that
`manage.py` prints them without a traceback (exit 2 for a usage error, 1 for a bad file).
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.core.linkage.cli import UsageError
from refuge.core.linkage.csvio import InputError


class CoreLinkageCommand(BaseCommand):
    def core_parser(self) -> argparse.ArgumentParser:
        raise NotImplementedError

    def core_run(self, args: list[str], out: TextIO, err: TextIO) -> None:
        raise NotImplementedError

    def add_arguments(self, parser_: CommandParser) -> None:
        usage = self.core_parser().format_usage()
        parser_.add_argument("args", nargs=argparse.REMAINDER, help=usage)

    def run_from_argv(self, argv: list[str]) -> None:
        self._called_from_command_line = True
        try:
            self.execute(*argv[2:], no_color=False, force_color=False, skip_checks=True,
                         traceback=False, verbosity=1, stdout=None, stderr=None)  # fmt: skip
        except CommandError as exc:
            self.stderr.write(f"CommandError: {exc}")
            raise SystemExit(exc.returncode) from None

    def handle(self, *args: str, **options: Any) -> None:
        try:
            self.core_run(list(args), self.stdout, self.stderr)
        except (UsageError, InputError) as exc:
            raise CommandError(
                str(exc), returncode=2 if isinstance(exc, UsageError) else 1
            ) from None
        except OSError as exc:
            raise CommandError(f"{exc.filename or ''}: {exc.strerror}") from None
