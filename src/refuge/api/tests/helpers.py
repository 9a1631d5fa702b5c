from __future__ import annotations

from django.test import Client

from refuge.accounts.scope import Actor
from refuge.api.actions import do_create_token


def token_for(user: object, days: int = 30) -> str:
    _, secret = do_create_token(actor=Actor(user=user, membership=None), owner=user, days=days)
    return secret


def bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
