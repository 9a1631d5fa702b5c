"""The households list: scoped like every household read, paged, sorted, never a name."""

from __future__ import annotations

import re

from django.test import Client

from refuge.audit.models import AuditEvent
from refuge.desks.tests.world import World, register


def _client(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def _numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<a href="/desk/households/(\d+)/">', html)]


def test_a_registrar_lists_only_their_points_households(world: World) -> None:
    html = _client(world, "registrar_a").get("/desk/households/").content.decode()
    assert _numbers(html) == [world.household_a.pk]
    assert "Ivanova" not in html and "Anna0" not in html  # numbers, never names


def test_a_shelter_manager_lists_the_households_of_their_shelter_with_it(world: World) -> None:
    html = _client(world, "manager").get("/desk/households/").content.decode()
    assert _numbers(html) == [world.household_a.pk]
    assert "Shelter A, " in html
    seen = AuditEvent.objects.get(action="search", object_type="household")
    assert seen.summary == "households list: 1 of 1"


def test_households_of_one_and_of_eight_sort_by_size(world: World) -> None:
    one = register(world.operation, world.point_a, "Сидоренко", size=1)
    eight = register(world.operation, world.point_a, "Коваленко", size=8)
    client = _client(world, "national")
    biggest = _numbers(client.get("/desk/households/", {"sort": "-size"}).content.decode())
    assert biggest[0] == eight.pk and biggest[-1] == one.pk
    html = client.get("/desk/households/", {"sort": "size"}).content.decode()
    assert _numbers(html)[0] == one.pk
    assert re.search(
        rf'{one.pk}</a></th><td>[^<]*</td><td>Point A</td><td class="num">1</td>', html
    )


def test_the_list_pages_and_keeps_its_filters(world: World) -> None:
    for i in range(60):
        register(world.operation, world.point_a, f"Семья{i}", size=1)
    client = _client(world, "national")
    point = world.point_a.pk
    html = client.get("/desk/households/", {"reception_point": point}).content.decode()
    assert len(_numbers(html)) == 50 and "1–50 of 61" in html
    link = re.search(r'<a href="(\?[^"]*page=2[^"]*)">2</a>', html)
    assert link and f"reception_point={point}" in link.group(1)
    second = client.get("/desk/households/" + link.group(1).replace("&amp;", "&"))
    assert len(_numbers(second.content.decode())) == 11


def test_bad_values_answer_a_list(world: World) -> None:
    client = _client(world, "national")
    for query in (
        {"page": "abc"},
        {"page": "99999"},
        {"sort": "evil"},
        {"sort": "-members__family_name"},
        {"number": "Иванова"},
        {"reception_point": "999999999"},
        {"destination": "moon"},
    ):
        response = client.get("/desk/households/", query)
        assert response.status_code == 200, query
        assert world.household_a.pk in _numbers(response.content.decode()), query


def test_the_number_filter_finds_one_household_past_a_million(world: World) -> None:
    hb = world.household_b
    assert hb.pk >= 1_000_000
    html = _client(world, "national").get("/desk/households/", {"number": hb.pk}).content.decode()
    assert _numbers(html) == [hb.pk]
