"""Repeated failed logins for one username from one address lock that pair out."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from refuge.accounts.models import LoginFailure

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


def is_locked(username: str, ip: str | None) -> bool:
    since = timezone.now() - WINDOW
    recent = LoginFailure.objects.filter(username=username.lower(), ip=ip, at__gte=since)
    return recent.count() >= MAX_FAILURES


def do_record_failure(*, username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username.lower(), ip=ip)


def do_clear_failures(*, username: str, ip: str | None) -> None:
    LoginFailure.objects.filter(username=username.lower(), ip=ip).delete()
