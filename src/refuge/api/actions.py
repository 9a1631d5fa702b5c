"""Creating and revoking API tokens: by the owner, or by a national coordinator of the
owner's operation. Each writes its audit entry in the same transaction."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from refuge.accounts.models import Membership, Role
from refuge.accounts.scope import Actor
from refuge.api.models import ApiToken
from refuge.audit.actions import do_record
from refuge.audit.models import AuditEvent

A = AuditEvent.Action
PREFIX = "rfg_"
MAX_DAYS = 366


def digest_of(secret: str) -> str:
    # A token has 256 random bits, so a plain hash is enough: nothing to guess or stretch.
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def may_manage(actor: Actor, owner: object) -> bool:
    """The owner, or a national coordinator of an operation the owner belongs to."""
    if actor.user is not None and getattr(actor.user, "pk", None) == getattr(owner, "pk", -1):
        return True
    m = actor.membership
    return bool(
        m is not None
        and m.role == Role.NATIONAL_COORDINATOR
        and Membership.objects.filter(user=owner, operation=m.operation).exists()
    )


def do_create_token(
    *, actor: Actor, owner: object, days: int = 90, kind: str = ApiToken.Kind.PERSONAL,
    label: str = "",
) -> tuple[ApiToken, str]:  # fmt: skip
    """A new token for `owner`; returns it with its secret, which is never stored."""
    if not may_manage(actor, owner):
        raise PermissionDenied
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"expiry must be 1 to {MAX_DAYS} days")
    secret = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=owner, kind=kind, label=label[:100], prefix=secret[:12],
            digest=digest_of(secret), expires_at=timezone.now() + timedelta(days=days),
        )  # fmt: skip
        do_record(actor=actor, action=A.CREATE, object_type="api_token", object_id=token.pk)
    return token, secret


def do_revoke_token(*, actor: Actor, token: ApiToken) -> ApiToken:
    if not may_manage(actor, token.user):
        raise PermissionDenied
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.revoked_by = actor.user if getattr(actor.user, "pk", None) else None
            token.save(update_fields=["revoked_at", "revoked_by"])
            do_record(actor=actor, action=A.CHANGE, object_type="api_token", object_id=token.pk,
                      summary="revoked")  # fmt: skip
    return token


def tokens_of(owner: object) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=owner))


def user_named(username: str) -> object:
    return get_user_model().objects.get(username=username)
