"""The one place that says which records a user's role lets them see.

Selectors in every app start from these querysets; views never filter by role.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from refuge.accounts.models import Membership, Role
from refuge.movements.models import Movement
from refuge.registry.models import Household
from refuge.shelters.models import Shelter
from refuge.web.client import client_address


class OutOfScope(Http404):
    """Not there, or not yours: the two are answered alike (404).

    Being an Http404, it needs no handling in views: a selector that raises it
    answers the request with the same page as a record that does not exist.
    """


@dataclass(frozen=True)
class Actor:
    user: object | None
    membership: Membership | None
    ip: str | None = None

    @property
    def role(self) -> str:
        return self.membership.role if self.membership else ""

    @property
    def username(self) -> str:
        return getattr(self.user, "username", "") or ""

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


def client_ip(request: HttpRequest) -> str | None:
    # X-Forwarded-For only from our own proxies: the client can forge it (web/client.py).
    return client_address(request)


def actor_for(request: HttpRequest) -> Actor:
    user = request.user
    membership = None
    if user.is_authenticated:
        membership = (
            Membership.objects.select_related("operation", "region", "reception_point")
            .filter(user=user)
            .order_by("-operation__started_at")
            .first()
        )
    return Actor(user=user, membership=membership, ip=client_ip(request))


def shelters_for(actor: Actor) -> QuerySet[Shelter]:
    m = actor.membership
    if m is None:
        return Shelter.objects.none()
    mine = Shelter.objects.filter(operation=m.operation)
    if m.role == Role.NATIONAL_COORDINATOR:
        return mine
    if m.role == Role.REGIONAL_COORDINATOR:
        return mine.filter(region=m.region)
    if m.role == Role.SHELTER_MANAGER:
        return mine.filter(pk__in=m.shelters.values("pk"))
    return Shelter.objects.none()


def shelter_for(actor: Actor, pk: int) -> Shelter:
    """One shelter within the actor's scope; OutOfScope when absent or not theirs."""
    shelter = shelters_for(actor).select_related("region").filter(pk=pk).first()
    if shelter is None:
        raise OutOfScope(pk)
    return shelter


def households_for(actor: Actor) -> QuerySet[Household]:
    m = actor.membership
    if m is None:
        return Household.objects.none()
    mine = Household.objects.filter(operation=m.operation)
    if m.role in (Role.NATIONAL_COORDINATOR, Role.TRACING_OFFICER):
        return mine
    if m.role == Role.REGISTRAR:
        return mine.filter(reception_point=m.reception_point)
    if m.role == Role.REGIONAL_COORDINATOR:
        at_shelters = Movement.objects.filter(shelter__region=m.region).values("household_id")
        return mine.filter(
            Q(reception_point__region=m.region)
            | Q(destination_region=m.region)
            | Q(pk__in=at_shelters)
        )
    if m.role == Role.SHELTER_MANAGER:
        at_shelters = Movement.objects.filter(shelter__in=m.shelters.all()).values("household_id")
        return mine.filter(pk__in=at_shelters)
    return Household.objects.none()
