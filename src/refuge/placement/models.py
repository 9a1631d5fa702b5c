"""Plans a coordinator reviews before any place is taken: kept here, never in the URL."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from refuge.geo.models import Region
from refuge.operations.models import Operation
from refuge.registry.models import Household
from refuge.shelters.models import Shelter


class PlacementPlan(models.Model):
    """A batch plan for the waiting households, or the moves out of a closing shelter."""

    class Kind(models.TextChoices):
        WAITING = "waiting"  # places for households that hold none
        CLOSURE = "closure"  # moves out of a shelter that must close

    class Status(models.TextChoices):
        # Labels as Django would derive them (no migration), translated in context.
        PROPOSED = "proposed", pgettext_lazy("plan status", "Proposed")
        ACCEPTED = "accepted", pgettext_lazy("plan status", "Accepted")
        EXPIRED = "expired", pgettext_lazy("plan status", "Expired")

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    # The regional coordinator's region the plan was made within; empty for the whole operation.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closing_shelter = models.ForeignKey(
        Shelter, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    placed_persons = models.PositiveIntegerField(default=0)
    unplaced_persons = models.PositiveIntegerField(default=0)
    person_km = models.FloatField(default=0.0)
    # What first come, first served would have done with the same households and places.
    fcfs_placed_persons = models.PositiveIntegerField(default=0)
    fcfs_person_km = models.FloatField(default=0.0)
    method = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["operation", "status"])]


class PlanRow(models.Model):
    """One household of a plan: where it goes (none: cannot be placed, and why)."""

    class Outcome(models.TextChoices):
        PENDING = ""
        DONE = "done"  # places reserved, or moved
        SKIPPED = "skipped"  # taken meanwhile by another desk, or the shelter filled up

    plan = models.ForeignKey(PlacementPlan, on_delete=models.CASCADE, related_name="rows")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    shelter = models.ForeignKey(
        Shelter, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fcfs_shelter = models.ForeignKey(
        Shelter, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    persons = models.PositiveIntegerField()
    km = models.FloatField(null=True, blank=True)
    # Closure: the household was only expected (places reserved), not yet inside.
    reserved_only = models.BooleanField(default=False)
    unplaced_reason = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["plan", "pk"]

    @property
    def reason_text(self) -> str:
        return str(UNPLACED_REASONS.get(self.unplaced_reason, self.unplaced_reason))


UNPLACED_REASONS = {
    "needs": _("no open shelter in reach meets its needs and has free places"),
    "together": _("no suitable shelter has room for the whole household together"),
    "taken": _("the places that would fit go to others, so that more persons are placed"),
    "full": _("no other open shelter has room for the whole household"),
}
