"""A partner's subscription of a URL to events, each event's delivery to it, and each
attempt at that delivery (what the receiver answered, or why nothing came back)."""

from django.conf import settings
from django.db import models

from refuge.operations.models import Operation


class Event(models.TextChoices):
    SHELTER_STATUS_CHANGED = "shelter.status_changed"
    SHELTER_CAPACITY_CHANGED = "shelter.capacity_changed"
    SHELTER_NEARLY_FULL = "shelter.nearly_full"
    ALERT_RELEASED = "alert.released"
    SITREP_PUBLISHED = "sitrep.published"


class Subscription(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks"
    )
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)  # Event values
    label = models.CharField(max_length=100, blank=True)
    # The signing key. HMAC needs the key itself, so it is stored as is (unlike a token's
    # digest); it is shown once, at creation, and never by a listing.
    secret = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set when its last REFUGE_WEBHOOK_SUSPEND_AFTER deliveries all failed: nothing more is
    # queued for it (a dead receiver would otherwise take every event's retries for hours)
    # until its owner or a national coordinator resumes it.
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["operation", "removed_at"])]

    def __str__(self) -> str:
        return f"webhook {self.pk} → {self.url}"


class Delivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"  # every attempt refused or unanswered
        CANCELLED = "cancelled"  # the subscription was removed before it was delivered

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField()  # one event sent to several subscriptions keeps one id
    event = models.CharField(max_length=40, choices=Event.choices)
    body = models.TextField()  # the exact bytes (UTF-8) every attempt sends
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["subscription", "-id"], name="webhooks_delivery_by_sub")]


class Attempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tries")
    number = models.PositiveIntegerField()
    at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)  # None: no answer
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField()

    class Meta:
        ordering = ["delivery", "number"]
