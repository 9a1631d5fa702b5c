import pytest
from django.test import Client

from refuge.desks.tests.world import World, build_world


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return build_world()


def client_for(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client
