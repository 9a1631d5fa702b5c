"""refuge idempotency purge [--older-than HOURS]

Deletes the API's kept answers to registrations (`api.IdempotentRequest`) past their
retention. Each answer holds the household as the registrar was shown it, so it is
personal data kept only as long as a client may retry. The household keeps its key: a
retry after the purge saves nothing again and is told the key was used (409).
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from refuge.api.models import IdempotentRequest


class Command(BaseCommand):
    help = "Delete the API's kept registration answers past their retention."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        sub = parser.add_subparsers(dest="verb", required=True)
        purge = sub.add_parser("purge", help="delete kept answers past their retention")
        purge.add_argument(
            "--older-than",
            type=int,
            default=settings.REFUGE_IDEMPOTENCY_RETENTION_HOURS,
            metavar="HOURS",
            help="keep answers younger than this (default: REFUGE_IDEMPOTENCY_RETENTION_HOURS, %(default)s)",
        )

    def handle(self, *args, **o):  # type: ignore[no-untyped-def]
        if o["older_than"] < 1:
            raise CommandError("--older-than must be at least 1 hour")
        cutoff = timezone.now() - timedelta(hours=o["older_than"])
        deleted, _ = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"{deleted} kept answer(s) deleted")
