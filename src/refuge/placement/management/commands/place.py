"""`refuge place --households H.csv --shelters S.csv --out A.csv`: the file command.

Everything happens in refuge.core.placement.cli; this only turns a bad file into Django's
one-line CommandError.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from refuge.core.placement.cli import add_arguments, run_place, summary
from refuge.core.placement.csvio import InputFileError


class Command(BaseCommand):
    help = "Place evacuated households (H.csv) into shelters (S.csv); write A.csv."

    def add_arguments(self, parser: ArgumentParser) -> None:
        add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            placement = run_place(
                options["households"],
                options["shelters"],
                options["out"],
                options["travel_matrix"],
                options["prefer_region"],
                options["quotas"],
                options["time_limit"],
            )
        except InputFileError as problem:
            raise CommandError(str(problem)) from None
        except OSError as problem:  # the output cannot be written (permissions, disk full)
            raise CommandError(f"{problem.filename or ''}: {problem.strerror}") from None
        self.stdout.write(summary(placement))
