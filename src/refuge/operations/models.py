"""An evacuation operation and the orders that say which settlements must leave."""

from django.db import models

from refuge.geo.models import District, Region, Settlement


class Operation(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    affected_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    timezone = models.CharField(max_length=64, default="Europe/Moscow")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.name


class EvacuationOrder(models.Model):
    class Kind(models.TextChoices):
        MANDATORY = "mandatory"
        VOLUNTARY = "voluntary"

    class Scope(models.TextChoices):
        DISTRICTS = "district", "whole districts"
        SETTLEMENTS = "settlements", "listed settlements"
        BORDER_BAND = "border_band", "settlements within N km of the state border"

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="orders")
    effective_at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    scope = models.CharField(max_length=12, choices=Scope.choices)
    within_km = models.FloatField(null=True, blank=True)
    districts = models.ManyToManyField(District, blank=True, related_name="+")
    settlements = models.ManyToManyField(Settlement, blank=True, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["effective_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(scope="border_band") | models.Q(within_km__gt=0),
                name="border_band_has_distance",
            )
        ]
