"""No page with personal data may be kept by a browser or a cache: every URL of the scope
matrix, for every role and for an anonymous visitor, answers Cache-Control: no-store."""

from __future__ import annotations

import pytest
from django.test import Client

from refuge.desks.tests.world import World, build_world
from tests.test_scope_matrix import ROLES, matrix


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return build_world()


@pytest.mark.parametrize("who", [*ROLES, "anonymous"])
def test_every_page_says_no_store_private(world: World, who: str) -> None:
    client = Client()
    if who != "anonymous":
        client.force_login(world.users[who])
    headers = {
        name: client.get(path).get("Cache-Control") for name, (path, _) in matrix(world).items()
    }
    assert headers == dict.fromkeys(headers, "no-store, private")


def test_the_public_answer_and_the_login_page_are_not_stored_either(world: World) -> None:
    client = Client()
    assert client.get("/accounts/login/")["Cache-Control"] == "no-store, private"
    answer = client.post(
        "/tracing/find/",
        {
            "family_name": "Коваленко",
            "given_name": "Оксана",
            "enquirer_name": "Олена",
            "enquirer_contact": "+380 50 123 45 67",
        },  # fmt: skip
    )
    assert answer["Cache-Control"] == "no-store, private"
