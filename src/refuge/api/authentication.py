"""`Authorization: Bearer TOKEN` for the API, and the per-token rate limit.

An unknown, revoked or expired token is refused with 401 alike, so a caller learns nothing
about which tokens exist. The limit counts through refuge.limits (shared by every worker)
and answers 429 with Retry-After.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from refuge.api.actions import digest_of
from refuge.api.models import ApiToken
from refuge.limits.store import Limit, take


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[object, ApiToken] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _, secret = header.partition(" ")
        if scheme != self.keyword or not secret.strip():
            raise exceptions.AuthenticationFailed("Send the token as: Authorization: Bearer TOKEN")
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=digest_of(secret.strip()), revoked_at__isnull=True)
            .first()
        )
        now = timezone.now()
        if token is None or token.expires_at <= now or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Token unknown, revoked or expired.")
        # At most one write a minute per token for "last used".
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


def token_limit() -> Limit:
    return Limit("api_token", settings.REFUGE_API_RATE_PER_MINUTE, timedelta(minutes=1))


class TokenRateThrottle(BaseThrottle):
    def allow_request(self, request: Request, view: object) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True  # session users of the browsable pages fall under the site's limits
        return take(token_limit(), f"token:{token.pk}")

    def wait(self) -> float:
        return token_limit().window.total_seconds()
