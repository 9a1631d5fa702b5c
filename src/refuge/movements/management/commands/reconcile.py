"""`refuge reconcile`: check the shelters' cached counters against the ledger.

Every run leaves a ReconcileRun (when, how many shelters, how many disagreed, fixed or
not), which /healthz shows as the last reconcile.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from refuge.movements.models import ReconcileRun
from refuge.movements.selectors import shelter_counts_from_ledger
from refuge.shelters.models import Shelter


class Command(BaseCommand):
    help = "Compare each shelter's cached occupancy with the ledger; --fix rewrites the cache."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fix", action="store_true", help="set the cache to the ledger's count"
        )

    def handle(self, *args: object, **opts: object) -> None:
        with transaction.atomic():
            ledger = shelter_counts_from_ledger()
            wrong = []
            for shelter in Shelter.objects.select_for_update().order_by("pk"):
                occupancy, reserved = ledger.get(shelter.pk, (0, 0))
                if (shelter.occupancy, shelter.reserved) != (occupancy, reserved):
                    wrong.append((shelter, occupancy, reserved))
            for shelter, occupancy, reserved in wrong:
                self.stdout.write(
                    f"shelter {shelter.pk}: cached occupancy {shelter.occupancy}, reserved "
                    f"{shelter.reserved}; ledger {occupancy}, {reserved}"
                )
                if opts["fix"]:
                    Shelter.objects.filter(pk=shelter.pk).update(
                        occupancy=occupancy, reserved=reserved
                    )
        total = Shelter.objects.count()
        fixed = bool(wrong) and bool(opts["fix"])
        ReconcileRun.objects.create(shelters=total, disagreeing=len(wrong), fixed=fixed)
        if not wrong:
            self.stdout.write(f"all {total} shelters agree with the ledger")
        elif opts["fix"]:
            self.stdout.write(f"fixed {len(wrong)} of {total} shelters")
        else:
            raise CommandError(f"{len(wrong)} of {total} shelters disagree with the ledger")
