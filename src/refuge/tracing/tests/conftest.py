from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import Client

from refuge.desks.tests.world import World, build_world
from refuge.geo.models import Settlement
from refuge.registry.actions import MemberData, Registration, do_register_households
from refuge.registry.models import Household, Person

MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    cache.clear()
    return build_world()


def register_people(
    world: World, *members: MemberData, point: str = "a", settlement: str = "Суджа"
) -> Household:
    """One household registered at point A (or B), leaving from `settlement`."""
    now = datetime.now(MSK) - timedelta(hours=1)
    (household,) = do_register_households(
        operation=world.operation,
        registrations=[
            Registration(
                reception_point=world.point_a if point == "a" else world.point_b,
                origin=Settlement.objects.filter(name_ru=settlement).first(),
                left_at=now - timedelta(hours=2),
                mode="own",
                registered_at=now,
                destination="relatives",
                members=list(members),
                idempotency_key=uuid.uuid4(),
            )
        ],
    )
    return household


def one(household: Household) -> Person:
    return household.members.get()


def client_for(world: World, who: str) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(world.users[who])
    return client
