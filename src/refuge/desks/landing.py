"""What each role finds on signing in: their own work, counted within their scope.

Every read starts from `accounts.scope` (households_for, shelters_for), like the desk
pages it links to. The start page shows counts, household numbers and shelter names
but no person's name, so it writes no audit entry of its own: opening a household,
a shelter's resident list or a pair from here is audited by those pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, F, QuerySet

from refuge.accounts.scope import Actor, households_for, shelters_for
from refuge.registry.models import Household
from refuge.shelters.models import Shelter, Status
from refuge.tracing.models import DuplicateCandidate, Enquiry
from refuge.tracing.selectors import QUEUE_LENGTH, open_enquiries, open_pairs

# A shelter whose taken and promised places reach this share of its capacity is about
# to fill: the coordinator opens another before the desks start to be refused.
ABOUT_TO_FILL_PERCENT = 90
LIST_LENGTH = 20
ENQUIRIES_SHOWN = 200  # tracing.selectors.open_enquiries reads at most this many


@dataclass(frozen=True)
class Today:
    households: list[Household]  # annotated with `people`
    people: int
    since: datetime


def todays_registrations(actor: Actor, now: datetime) -> Today:
    """Households registered at the registrar's point since local midnight."""
    assert actor.membership is not None
    tz = ZoneInfo(actor.membership.operation.timezone)
    since = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    today = (
        households_for(actor)
        .filter(registered_at__gte=since)
        .annotate(people=Count("members"))
        .order_by("-registered_at", "-pk")
    )
    households = list(today)
    return Today(households, sum(h.people for h in households), since)  # type: ignore[attr-defined]


def _with_free_places(shelters: QuerySet[Shelter]) -> QuerySet[Shelter]:
    return shelters.select_related("region").annotate(
        free_places=F("capacity") - F("occupancy") - F("reserved")
    )


def my_shelters(actor: Actor) -> list[Shelter]:
    """The shelter manager's shelters with residents, expected arrivals and free places."""
    return list(_with_free_places(shelters_for(actor)).order_by("name", "pk"))


def shelters_about_to_fill(actor: Actor) -> list[Shelter]:
    """Operating shelters in scope whose occupancy plus reservations reach 90 %."""
    operating = shelters_for(actor).filter(status__in=(Status.OPEN, Status.FULL), capacity__gt=0)
    filling = operating.annotate(taken_percent=(F("occupancy") + F("reserved")) * 100).filter(
        taken_percent__gte=F("capacity") * ABOUT_TO_FILL_PERCENT
    )
    return list(
        _with_free_places(filling).order_by("free_places", "region__code", "name")[:LIST_LENGTH]
    )


@dataclass(frozen=True)
class TracingWork:
    pairs: list[DuplicateCandidate]  # the review queue, most probable first
    pairs_capped: bool  # the queue selector stops at QUEUE_LENGTH: "100 or more"
    enquiries: list[Enquiry]  # open enquiries, oldest first
    enquiries_capped: bool


def tracing_work(actor: Actor) -> TracingWork:
    """The review queue and the open enquiries, read by the tracing pages' own selectors."""
    pairs, enquiries = open_pairs(actor), open_enquiries(actor)
    return TracingWork(
        pairs=pairs,
        pairs_capped=len(pairs) >= QUEUE_LENGTH,
        enquiries=enquiries,
        enquiries_capped=len(enquiries) >= ENQUIRIES_SHOWN,
    )
