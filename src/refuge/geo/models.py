"""Where things are: regions (ISO 3166-2), districts and settlements."""

from django.db import models
from django.utils.translation import get_language


class LocalisedName(models.Model):
    """Names in the three languages of the interface; `name` picks the active one."""

    name_en = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200, blank=True)
    name_uk = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = (get_language() or "en")[:2]
        return getattr(self, f"name_{lang}", "") or self.name_en


class Region(LocalisedName):
    code = models.CharField(max_length=8, unique=True, help_text="ISO 3166-2, e.g. RU-KRS")
    country = models.CharField(max_length=2)
    capital = models.CharField(max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["code"]


class District(LocalisedName):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="districts")
    slug = models.SlugField(max_length=80)
    centre = models.CharField(max_length=200, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()

    class Meta:
        ordering = ["region", "name_en"]
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="district_slug_unique")
        ]


class Settlement(LocalisedName):
    class Kind(models.TextChoices):
        CITY = "city"
        TOWN = "town"
        VILLAGE = "village"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="settlements")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    lat = models.FloatField()
    lon = models.FloatField()
    population = models.PositiveIntegerField(null=True, blank=True)
    border_km = models.FloatField(
        null=True, blank=True, help_text="distance to the state border, where one is known"
    )

    class Meta:
        ordering = ["district", "name_en"]
        indexes = [models.Index(fields=["name_ru"]), models.Index(fields=["name_en"])]
