"""404 and 403 pages in the reader's language, inside the site's frame (the walk found
Django's English "Not Found" on Russian and Ukrainian pages)."""

from __future__ import annotations

import pytest
from django.test import Client

from refuge.desks.tests.world import World, build_world


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return build_world()


@pytest.mark.parametrize(
    ("lang", "not_found", "not_allowed"),
    [("ru", "Не найдено", "Нет доступа"), ("uk", "Не знайдено", "Немає доступу"),
     ("en", "Not found", "Not allowed")],
)  # fmt: skip
def test_errors_speak_the_readers_language(
    world: World, lang: str, not_found: str, not_allowed: str
) -> None:
    client = Client(headers={"accept-language": lang})
    client.force_login(world.users["registrar_a"])
    missing = client.get("/desk/households/99999999/")
    assert missing.status_code == 404
    assert f"<h1>{not_found}</h1>" in missing.content.decode()
    assert 'class="skip"' in missing.content.decode()  # the site's own frame
    refused = client.get("/audit/")
    assert refused.status_code == 403
    assert f"<h1>{not_allowed}</h1>" in refused.content.decode()
