"""The movement ledger: an append-only record of what happens to each person.

Occupancy, "relocated since start" and "last 24 hours" are all counted from here.
A mistake is never edited away: a VOIDED event that references it takes it out of
every count, and both stay on record.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refuge.geo.models import District, Region, Settlement
from refuge.operations.models import Operation
from refuge.registry.models import Household, Person, ReceptionPoint
from refuge.shelters.models import Shelter


class LedgerIsAppendOnly(Exception):
    pass


class MovementQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise LedgerIsAppendOnly("the movement ledger is append-only: record a correction")

    def delete(self):  # type: ignore[no-untyped-def]
        raise LedgerIsAppendOnly("the movement ledger is append-only: record a correction")

    def effective(self) -> "MovementQuerySet":
        """Events that count: neither voiding events nor events voided by one."""
        voided = Movement.objects.filter(kind=Movement.Kind.VOIDED, corrects__isnull=False).values(
            "corrects_id"
        )
        return self.exclude(kind=Movement.Kind.VOIDED).exclude(pk__in=voided)


def _optional(to: object, related_name: str = "+") -> models.ForeignKey:
    """A reference an event may leave empty, with no index of its own (see Meta.indexes)."""
    return models.ForeignKey(
        to, on_delete=models.PROTECT, null=True, blank=True, related_name=related_name,
        db_index=False,
    )  # fmt: skip


class Movement(models.Model):
    class Kind(models.TextChoices):
        LEFT_HOME = "left_home", _("left home")
        REGISTERED = "registered", _("registered")
        ASSIGNED = "assigned", _("places reserved")  # in a shelter
        RELEASED = "released", _("places released")  # a reservation given back unused
        CHECKED_IN = "checked_in", _("checked in")
        CHECKED_OUT = "checked_out", _("checked out")
        VOIDED = "voided", _("voided")  # corrects an earlier event

    class Mode(models.TextChoices):
        ORGANISED = "organised", _("in an organised group")
        OWN = "own", _("on their own")

    class CheckOutTo(models.TextChoices):
        RELATIVES = "relatives"
        OWN_HOUSING = "own_housing"
        HOSPITAL = "hospital"
        OTHER_SHELTER = "other_shelter"
        HOME = "home"

    operation = models.ForeignKey(
        Operation, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField(help_text="when it happened")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="movements", db_index=False
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=10, choices=Mode.choices, blank=True)
    settlement = _optional(Settlement)
    # The origin district, copied from the settlement so the report groups without joins.
    district = _optional(District)
    reception_point = _optional(ReceptionPoint)
    shelter = _optional(Shelter, related_name="movements")
    destination = models.CharField(max_length=14, blank=True)
    destination_region = _optional(Region)
    corrects = _optional("self", related_name="corrections")
    note = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = _optional(settings.AUTH_USER_MODEL)

    objects = MovementQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        # Every event is written once and read by these paths only: an index on each
        # foreign key would cost every registration a dozen index writes to serve
        # deletes of regions or accounts that PROTECT refuses anyway (docs/PERFORMANCE.md).
        # The household's own index (the household page) is the foreign key's.
        indexes = [
            models.Index(fields=["operation", "kind", "at"]),
            models.Index(fields=["shelter", "kind", "at"]),
            models.Index(fields=["person", "at"]),
            models.Index(
                fields=["corrects"],
                condition=models.Q(corrects__isnull=False),
                name="movement_corrects",
            ),
            # The partners' feed (/api/v1/ledger/): one operation's events in the order
            # written, by keyset on the id. The primary key alone serves it only while the
            # database holds one operation; beside another (a drill, a scenario) each page
            # would wade through the other's events.
            models.Index(fields=["operation", "id"], name="movement_feed"),
            # The feed's `since=`: the first events recorded at or after a time, found by
            # one range read instead of scanning the feed from its start (views.LedgerFeed).
            models.Index(fields=["operation", "recorded_at", "id"], name="movement_feed_since"),
        ]

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise LedgerIsAppendOnly("a recorded movement cannot be changed: record a correction")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise LedgerIsAppendOnly("a recorded movement cannot be deleted: record a correction")


class ReconcileRun(models.Model):
    """The outcome of one `refuge reconcile`, for /healthz: counts only, no person."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    shelters = models.PositiveIntegerField()
    disagreeing = models.PositiveIntegerField()
    fixed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-pk"]

    @property
    def clean(self) -> bool:
        """The counters agree with the ledger now (there was nothing to fix, or it was fixed)."""
        return self.disagreeing == 0 or self.fixed
