import pytest
from django.test import Client

from refuge.desks.tests.world import World, build_world


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return build_world()


@pytest.fixture
def as_user(world: World):  # type: ignore[no-untyped-def]
    """as_user("national") -> a Client signed in as that account of the world."""

    def _client(username: str) -> Client:
        client = Client()
        client.force_login(world.users[username])
        return client

    return _client
