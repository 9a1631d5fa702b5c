"""Households and persons as registered at reception points.

Names are kept exactly as typed, in any script; matching across scripts and spellings
is the linkage core's job, not the registry's. Only what placement, tracing and the
report need is collected.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy, pgettext_lazy

from refuge.core.birthdates import as_desk_writes_it
from refuge.geo.models import Region, Settlement
from refuge.operations.models import Operation


class ReceptionPoint(models.Model):
    operation = models.ForeignKey(
        Operation, on_delete=models.PROTECT, related_name="reception_points"
    )
    name = models.CharField(max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(max_length=300, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Destination(models.TextChoices):
    # Labels kept as Django would derive them (no migration); translated per context.
    SHELTER = "shelter", pgettext_lazy("destination", "Shelter")
    RELATIVES = "relatives", pgettext_lazy("destination", "Relatives")
    OWN_HOUSING = "own_housing", pgettext_lazy("destination", "Own Housing")


class Household(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="households")
    reception_point = models.ForeignKey(
        ReceptionPoint, on_delete=models.PROTECT, related_name="households"
    )
    origin = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(max_length=40, blank=True)
    destination = models.CharField(max_length=12, choices=Destination.choices)
    destination_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    destination_address = models.CharField(max_length=300, blank=True)
    registered_at = models.DateTimeField()
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A registrar's double click or a retried request carries the same key; the
    # unique constraint turns the second submission into a lookup, not a new household.
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        indexes = [models.Index(fields=["operation", "registered_at"])]


# The needs a person may have, with the words the desk shows for them.
NEED_LABELS = {
    "wheelchair": gettext_lazy("Wheelchair"),
    "medical": gettext_lazy("Medical care"),
    "pregnant": gettext_lazy("Pregnant"),
    "unaccompanied_minor": gettext_lazy("Unaccompanied minor"),
    "elderly_alone": gettext_lazy("Elderly, alone"),
}


class Person(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "F", pgettext_lazy("sex", "Female")
        MALE = "M", pgettext_lazy("sex", "Male")

    class Document(models.TextChoices):
        """Identity documents evacuees carry; the number is what tracing and search use."""

        PASSPORT = "passport"
        INTERNATIONAL_PASSPORT = "intl_passport"
        BIRTH_CERTIFICATE = "birth_cert"
        ID_CARD = "id_card"
        OTHER = "other"

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    given_name = models.CharField(max_length=100)
    patronymic = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100)
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(null=True, blank=True)
    needs_wheelchair = models.BooleanField(default=False)
    needs_medical = models.BooleanField(default=False)
    pregnant = models.BooleanField(default=False)
    unaccompanied_minor = models.BooleanField(default=False)
    elderly_alone = models.BooleanField(default=False)
    consents_to_be_found = models.BooleanField(default=False)
    # Optional: the desk asks for it when the person has one. The number is kept as typed
    # (`document_number`) and, for search, as its letters and digits upper-cased
    # (`document_key`), so "46 04 123456" and "4604123456" are one document.
    document_type = models.CharField(max_length=16, choices=Document.choices, blank=True)
    document_number = models.CharField(max_length=40, blank=True)
    document_key = models.CharField(max_length=40, blank=True, db_index=True)
    # When this record last changed: PFIF's entry_date, so partners can sync
    # incrementally by asking for everything changed since their last copy.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        constraints = [
            # A partial date is year, year-month or year-month-day: never a day without a month.
            models.CheckConstraint(
                condition=Q(birth_day__isnull=True) | Q(birth_month__isnull=False),
                name="birth_day_needs_month",
            ),
            models.CheckConstraint(
                condition=Q(birth_month__isnull=True) | Q(birth_year__isnull=False),
                name="birth_month_needs_year",
            ),
            models.CheckConstraint(
                condition=Q(birth_month__isnull=True) | Q(birth_month__gte=1, birth_month__lte=12),
                name="birth_month_range",
            ),
            models.CheckConstraint(
                condition=Q(birth_day__isnull=True) | Q(birth_day__gte=1, birth_day__lte=31),
                name="birth_day_range",
            ),
        ]
        indexes = [models.Index(fields=["family_name", "given_name"])]

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.given_name, self.patronymic) if p)

    @property
    def birth_date_display(self) -> str:
        if self.birth_year is None:
            return ""
        if self.birth_month is None:
            return f"{self.birth_year}"
        if self.birth_day is None:
            return f"{self.birth_year}-{self.birth_month:02d}"
        return f"{self.birth_year}-{self.birth_month:02d}-{self.birth_day:02d}"

    @property
    def birth_date_shown(self) -> str:
        """As the desk writes it, 14.03.1948 (birth_date_display is ISO, for files)."""
        return as_desk_writes_it((self.birth_year, self.birth_month, self.birth_day))

    @property
    def needs_shown(self) -> list[str]:
        """The needs in the reader's language, in the desk's order."""
        return [str(label) for code, label in NEED_LABELS.items() if code in self.needs]

    @property
    def needs(self) -> frozenset[str]:
        flags = {
            "wheelchair": self.needs_wheelchair,
            "medical": self.needs_medical,
            "pregnant": self.pregnant,
            "unaccompanied_minor": self.unaccompanied_minor,
            "elderly_alone": self.elderly_alone,
        }
        return frozenset(k for k, v in flags.items() if v)
