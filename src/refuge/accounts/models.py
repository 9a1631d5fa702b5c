"""Who may use Refuge, in which role, over which part of an operation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from refuge.geo.models import Region
from refuge.operations.models import Operation
from refuge.registry.models import ReceptionPoint
from refuge.shelters.models import Shelter


class Role(models.TextChoices):
    NATIONAL_COORDINATOR = "national_coordinator", _("national coordinator")
    REGIONAL_COORDINATOR = "regional_coordinator", _("regional coordinator")
    REGISTRAR = "registrar", _("registrar")
    SHELTER_MANAGER = "shelter_manager", _("shelter manager")
    TRACING_OFFICER = "tracing_officer", _("tracing officer")
    AUDITOR = "auditor", _("auditor")
    # Drafts public warnings (alerts app); a coordinator releases them.
    DUTY_OFFICER = "duty_officer", _("duty officer")


class Membership(models.Model):
    """A user's role in one operation, and the region, point or shelters it covers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=24, choices=Role.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reception_point = models.ForeignKey(
        ReceptionPoint, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shelters = models.ManyToManyField(Shelter, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "operation"], name="one_role_per_operation"),
            models.CheckConstraint(
                condition=~Q(role="regional_coordinator") | Q(region__isnull=False),
                name="regional_coordinator_has_region",
            ),
            models.CheckConstraint(
                condition=~Q(role="registrar") | Q(reception_point__isnull=False),
                name="registrar_has_reception_point",
            ),
        ]


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(max_length=8, blank=True)
