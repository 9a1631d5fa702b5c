"""API tokens: a secret shown once, stored only as its SHA-256 digest.

A token carries no role of its own: each request acts as the token's account, with the
role and scope its membership gives at that moment (accounts/scope.py), never more.
"""

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    class Kind(models.TextChoices):
        PERSONAL = "personal"
        SERVICE = "service"  # held by a partner's system, not a person

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERSONAL)
    label = models.CharField(max_length=100, blank=True)
    # The first characters, shown in listings so an owner can tell tokens apart.
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user", "-created_at", "pk"]


class IdempotentRequest(models.Model):
    """A registration POSTed with an Idempotency-Key: what was asked, and what was answered.

    A replay of the key with the same body gets `response` again; with another body, 422.
    The answer holds what the registrar was shown (their household, possible duplicates
    within their scope), as the household's own page does, and is kept with it.
    """

    key = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64)  # sha256 of the body as canonical JSON
    status = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)  # for the purge
