"""`refuge sitrep`: the morning situation report, counted from the ledger."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from refuge.reports import render
from refuge.reports.selectors import UnknownOperation, operation_named, sitrep


def parse_as_of(text: str) -> datetime:
    """An ISO 8601 timestamp; without an offset it is read in the server's time zone."""
    try:
        value = parse_datetime(text.strip())
    except ValueError:
        value = None
    if value is None:
        raise CommandError(
            f"--as-of: {text!r} is not a timestamp; write it like 2024-08-19T08:00+03:00"
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


class Command(BaseCommand):
    help = "Print the situation report of an operation as of a moment."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", dest="as_of", help="ISO 8601 timestamp (default: now)")
        parser.add_argument("--operation", help="operation slug or name (default: the only one)")
        parser.add_argument("--format", choices=["text", "json", "html"], default="text")
        parser.add_argument("--lang", choices=["en", "ru", "uk"], default="en")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="also send it to the partners subscribed to sitrep.published (audited)",
        )

    def handle(self, *args: object, **opts: object) -> None:
        as_of = parse_as_of(str(opts["as_of"])) if opts["as_of"] else timezone.now()
        try:
            operation = operation_named(opts["operation"])  # type: ignore[arg-type]
        except UnknownOperation as e:
            raise CommandError(str(e)) from None
        if opts["publish"]:
            from refuge.accounts.scope import Actor
            from refuge.reports.actions import do_publish_sitrep

            # The operator at the server: audited with no account, as the command line.
            do_publish_sitrep(actor=Actor(user=None, membership=None), operation=operation,
                              as_of=as_of)  # fmt: skip
        with render.in_language(str(opts["lang"])):
            report = sitrep(operation, as_of)
            if opts["format"] == "json":
                out = render.as_json(report)
            elif opts["format"] == "html":
                out = render_to_string(
                    "reports/sitrep_document.html",
                    {"report": report, "operation": operation, "lang": opts["lang"]},
                )
            else:
                out = render.as_text(
                    report, tz=operation.timezone, affected_name=operation.affected_region.name
                )
        self.stdout.write(out, ending="" if out.endswith("\n") else "\n")
