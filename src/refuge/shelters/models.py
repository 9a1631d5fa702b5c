"""Temporary shelters, their features and the history of their status and capacity."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import pgettext_lazy

from refuge.geo.models import District, Region
from refuge.operations.models import Operation


class Status(models.TextChoices):
    # Labels kept as Django would derive them (no migration); translated per context.
    STANDBY = "standby", pgettext_lazy("shelter status", "Standby")
    OPEN = "open", pgettext_lazy("shelter status", "Open")
    FULL = "full", pgettext_lazy("shelter status", "Full")
    CLOSED = "closed", pgettext_lazy("shelter status", "Closed")


class Shelter(models.Model):
    class Kind(models.TextChoices):
        SCHOOL = "school"
        DORMITORY = "dormitory"
        SANATORIUM = "sanatorium"
        HOTEL = "hotel"
        SPORTS_HALL = "sports_hall"
        CHILDREN_CAMP = "children_camp"
        CULTURAL_CENTRE = "cultural_centre"
        OTHER = "other"

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="shelters")
    name = models.CharField(max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="shelters")
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="shelters"
    )
    address = models.CharField(max_length=300)
    lat = models.FloatField()
    lon = models.FloatField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    capacity = models.PositiveIntegerField()
    wheelchair_access = models.BooleanField(default=False)
    medical_post = models.BooleanField(default=False)
    children_area = models.BooleanField(default=False)
    pets_allowed = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.STANDBY)
    # Cached counters for the desks' hot path; `refuge reconcile` checks them against
    # the ledger. The constraint makes the database refuse an over-full shelter even
    # when several desks check people in at once.
    occupancy = models.PositiveIntegerField(default=0)
    reserved = models.PositiveIntegerField(default=0)
    # PostgreSQL only: what the partners' API writes of the fields above that rarely
    # change, as the opening of the shelter's JSON object, `{"id":1,"name":"…",…` up to
    # "pets_allowed". Written by a trigger on every insert and on every update that sets
    # any of those fields (migration 0002), never by Python; the API's list of every
    # shelter appends the region and the counters (api/serializers.py). Empty on SQLite.
    json_opening = models.TextField(default="", blank=True, editable=False)

    class Meta:
        ordering = ["region", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(occupancy__gte=0)
                & Q(reserved__gte=0)
                & Q(occupancy__lte=F("capacity") - F("reserved")),
                name="shelter_within_capacity",
            ),
        ]
        indexes = [models.Index(fields=["operation", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.occupancy - self.reserved)

    @property
    def features(self) -> frozenset[str]:
        flags = {
            "wheelchair": self.wheelchair_access,
            "medical": self.medical_post,
            "children": self.children_area,
            "pets": self.pets_allowed,
        }
        return frozenset(k for k, v in flags.items() if v)


class ShelterChange(models.Model):
    """A shelter's status and capacity from `at` on, with the reason: the history is kept."""

    shelter = models.ForeignKey(Shelter, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices)
    capacity = models.PositiveIntegerField()
    reason = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shelter", "at", "pk"]
        indexes = [models.Index(fields=["shelter", "at"])]
