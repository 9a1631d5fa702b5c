"""Creating accounts and giving them a role."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from refuge.accounts.models import Membership, Profile, Role
from refuge.geo.models import Region
from refuge.operations.models import Operation
from refuge.registry.models import ReceptionPoint
from refuge.shelters.models import Shelter


class InvalidScope(ValueError):
    pass


def do_create_account(
    *,
    username: str,
    password: str,
    operation: Operation,
    role: str,
    region: Region | None = None,
    reception_point: ReceptionPoint | None = None,
    shelters: Sequence[Shelter] = (),
) -> AbstractBaseUser:
    """Create the user or reset their password, and set their one role in the operation."""
    _check_scope(role, region, reception_point, shelters)
    User = get_user_model()
    with transaction.atomic():
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(password)
        user.is_active = True
        user.save()
        Profile.objects.get_or_create(user=user)
        membership, _ = Membership.objects.update_or_create(
            user=user,
            operation=operation,
            defaults={"role": role, "region": region, "reception_point": reception_point},
        )
        membership.shelters.set(shelters)
    return user


def _check_scope(
    role: str,
    region: Region | None,
    reception_point: ReceptionPoint | None,
    shelters: Sequence[Shelter],
) -> None:
    if role not in Role.values:
        raise InvalidScope(f"unknown role {role!r} (one of {', '.join(Role.values)})")
    if role == Role.REGIONAL_COORDINATOR and region is None:
        raise InvalidScope("a regional coordinator needs --region")
    if role == Role.REGISTRAR and reception_point is None:
        raise InvalidScope("a registrar needs --reception-point")
    if role == Role.SHELTER_MANAGER and not shelters:
        raise InvalidScope("a shelter manager needs at least one --shelter")


def do_set_language(*, user: AbstractBaseUser, language: str) -> None:
    Profile.objects.update_or_create(user=user, defaults={"language": language})
