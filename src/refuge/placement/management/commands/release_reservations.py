"""Give back places reserved for households that did not arrive within the time allowed."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.placement.actions import do_release_stale_reservations


class Command(BaseCommand):
    help = "Release places reserved (assigned) and not checked in within --older-than hours."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=float,
            default=12.0,
            metavar="HOURS",
            help="release reservations made more than this many hours ago (default 12)",
        )

    def handle(self, *args: object, older_than: float, **options: object) -> None:
        if older_than <= 0:
            raise CommandError("--older-than must be a positive number of hours")
        released = do_release_stale_reservations(older_than=timedelta(hours=older_than))
        for r in released:
            self.stdout.write(
                f"released {r.persons} places at {r.shelter.name} (shelter {r.shelter.pk}) "
                f"held for household {r.household.pk}"
            )
        persons = sum(r.persons for r in released)
        self.stdout.write(
            f"{len(released)} reservations released ({persons} places), older than {older_than:g} h"
        )
