"""`refuge tracing index|scan`: the registry's blocking keys, and the review queue's pairs.

refuge tracing index                 index every person not yet indexed (after a bulk
                                     load; the desk catches up only the last few)
refuge tracing scan [--operation SLUG] [--auto-merge]
                                     run the batch engine over the registry and queue
                                     pairs between the review and merge thresholds
Both draw a progress bar on standard error when it is a terminal (jobs/progress.py).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.jobs.progress import cli_progress
from refuge.reports.selectors import UnknownOperation, operation_named
from refuge.tracing import keys
from refuge.tracing.actions import do_scan_registry


class Command(BaseCommand):
    help = "Index the registry for the desk's duplicate check, or scan it for the review queue."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("index", help="index every person not indexed yet")
        scan = sub.add_parser("scan", help="queue possible duplicates for review")
        scan.add_argument("--operation", help="operation slug (default: the only one)")
        scan.add_argument(
            "--auto-merge",
            action="store_true",
            help="merge pairs at the 0.99 threshold of docs/LINKAGE.md (off by default)",
        )

    def handle(self, *args: object, **opts: object) -> None:
        if opts["action"] == "index":
            with cli_progress("persons looked at", self.stderr._out) as progress:
                total = keys.index_all(progress=progress)
            self.stdout.write(f"indexed {total} persons")
            return
        try:
            operation = operation_named(opts.get("operation"))  # type: ignore[arg-type]
        except UnknownOperation as e:
            raise CommandError(str(e)) from None
        with cli_progress("stages: load, link, queue", self.stderr._out) as progress:
            result = do_scan_registry(
                operation=operation, auto_merge=bool(opts["auto_merge"]), progress=progress
            )
        self.stdout.write(
            f"{result.persons} persons scanned, {result.pairs_found} pairs at or above review, "
            f"{result.pairs_new} new in the queue, {result.merged} merged automatically"
        )
