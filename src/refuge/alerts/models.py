"""Public warnings as CAP 1.2 messages: drafted, released by a second person, or imported.

The CAP XML served to the public is stored as written at release (or as received, for a
partner's message, so its signature still verifies); `summary` keeps each language's
headline and instruction so that the public page never parses XML.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from refuge.operations.models import Operation


class Alert(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        RELEASED = "released", _("released")
        IMPORTED = "imported", _("imported")
        DISCARDED = "discarded", _("discarded")

    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    identifier = models.CharField(max_length=200)
    sender = models.CharField(max_length=200)
    sent = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, default="Actual")
    msg_type = models.CharField(max_length=8, default="Alert")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    template = models.CharField(max_length=40, blank=True)
    params = models.JSONField(default=dict, blank=True)  # what the draft form chose
    summary = models.JSONField(default=dict, blank=True)  # {lang: {headline, event, ...}}
    xml = models.BinaryField(blank=True, default=b"")
    signed = models.BooleanField(default=False)
    effective = models.DateTimeField(null=True, blank=True)
    expires = models.DateTimeField(null=True, blank=True)
    region = models.CharField(max_length=8, blank=True)  # ISO 3166-2 of the area, if one
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="followups"
    )
    # Set when a released Update or Cancel (or an all clear) replaces this message.
    ended_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True)  # "" for ours; else where from
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "identifier"], name="one_alert_per_sender_identifier"
            ),
            # Two persons: whoever releases a warning did not draft it.
            models.CheckConstraint(
                condition=models.Q(released_by__isnull=True)
                | models.Q(drafted_by__isnull=True)
                | ~models.Q(released_by=models.F("drafted_by")),
                name="released_by_someone_else",
            ),
        ]
        indexes = [models.Index(fields=["state", "ended_at", "expires"])]

    def __str__(self) -> str:
        return self.identifier

    def text(self, lang: str) -> dict[str, str]:
        """This language's headline, instruction…, else English, else any."""
        s = self.summary or {}
        return s.get(lang) or s.get("en") or next(iter(s.values()), {})


class RegionAlarm(models.Model):
    """The air-raid alert state of a region over time: one row per change."""

    region = models.CharField(max_length=8)  # ISO 3166-2
    active = models.BooleanField()
    at = models.DateTimeField()
    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["region", "-at", "-pk"]
