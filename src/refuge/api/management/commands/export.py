"""refuge export hxl shelters|sitrep|displacement [--as-of T] [--operation SLUG]

HXL-tagged CSV on stdout: aggregated figures for open-data platforms (HDX), no personal data.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from refuge.api import hxl
from refuge.reports.management.commands.sitrep import parse_as_of
from refuge.reports.selectors import UnknownOperation, operation_named


class Command(BaseCommand):
    help = "Export open data: HXL-tagged CSV of shelters, the sitrep by region, displacement."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        sub = parser.add_subparsers(dest="format", required=True)
        h = sub.add_parser("hxl")
        h.add_argument("table", choices=sorted(hxl.TABLES))
        h.add_argument("--as-of", dest="as_of", help="ISO 8601 timestamp (default: now)")
        h.add_argument("--operation", help="operation slug or name (default: the only one)")

    def handle(self, *args, **o):  # type: ignore[no-untyped-def]
        as_of = parse_as_of(o["as_of"]) if o["as_of"] else timezone.now()
        try:
            operation = operation_named(o["operation"])
        except UnknownOperation as e:
            raise CommandError(str(e)) from None
        self.stdout.write(hxl.as_csv(hxl.TABLES[o["table"]](operation, as_of)), ending="")
