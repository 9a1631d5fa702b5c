"""The incident log: what happened where, and what each service had deployed over time.

Deployments are appended, never edited: a service's new figures are a new row from its
time on, so the report at any moment reads what was known to be deployed then.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from refuge.alerts.models import Alert
from refuge.operations.models import Operation


class Incident(models.Model):
    class Kind(models.TextChoices):
        FIRE = "fire", _("fire")
        BUILDING_DAMAGE = "building_damage", _("building damage")
        UTILITY_OUTAGE = "utility_outage", _("utility outage")
        AIR_ATTACK_AFTERMATH = "air_attack_aftermath", _("air attack aftermath")
        FLOOD = "flood", _("flood")
        OTHER = "other", _("other")

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="incidents")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    name = models.CharField(max_length=200)
    place = models.CharField(max_length=300)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    reported_at = models.DateTimeField()
    contained_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    dead = models.PositiveIntegerField(default=0)
    injured = models.PositiveIntegerField(default=0)
    alerts = models.ManyToManyField(Alert, blank=True, related_name="incidents")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True)
                | models.Q(closed_at__gte=models.F("reported_at")),
                name="incident_closed_after_reported",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Deployment(models.Model):
    """One service's people and equipment on an incident from `at` until its next row."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="deployments")
    service = models.CharField(max_length=120)
    at = models.DateTimeField()
    personnel = models.PositiveIntegerField()
    units = models.PositiveIntegerField()  # units of equipment, special ones included
    special = models.JSONField(default=dict, blank=True)  # {"fire_train": 2}
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incident", "service", "at", "pk"]
