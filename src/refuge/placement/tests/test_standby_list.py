"""The standby list: 390 shelters in the scenario, so a page at a time, sorted, searched."""

from __future__ import annotations

import re

from refuge.desks.tests.world import World
from refuge.geo.models import Region
from refuge.shelters.models import Shelter, Status


def _standby(world: World, n: int) -> None:
    krs = Region.objects.get(code="RU-KRS")
    Shelter.objects.bulk_create(
        Shelter(
            operation=world.operation,
            name=f"Санаторий «Сосновый бор» {i}" if i % 10 == 0 else f"Лагерь {i}",
            region=krs,
            address=f"Железногорск, ул. Ленина, {i}" if i % 4 == 0 else f"Курск, {i}",
            lat=52.3,
            lon=35.4,
            kind=Shelter.Kind.CHILDREN_CAMP,
            capacity=100 + i,
            status=Status.STANDBY,
        )
        for i in range(n)
    )


def _names(html: str) -> list[str]:
    return re.findall(r'<th scope="row">([^<]+)<br>', html)


def test_the_standby_list_pages_and_sorts(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    _standby(world, 75)
    client = as_user("national")
    html = client.get("/placement/standby/").content.decode()
    assert len(_names(html)) == 50 and "1–50 of 75" in html
    largest = _names(client.get("/placement/standby/", {"sort": "-capacity"}).content.decode())
    assert largest[0] == "Лагерь 74"
    last = client.get("/placement/standby/", {"sort": "-capacity", "page": "2"}).content.decode()
    assert _names(last)[-1] == "Санаторий «Сосновый бор» 0"
    for bad in ({"page": "abc"}, {"page": "99999"}, {"sort": "evil"}, {"sort": "-status_rank"}):
        assert client.get("/placement/standby/", bad).status_code == 200


def test_the_standby_list_searches_names_and_addresses(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    _standby(world, 75)
    client = as_user("regional")
    found = _names(client.get("/placement/standby/", {"q": "сосновый"}).content.decode())
    assert len(found) == 8 and all("Сосновый" in n for n in found)
    town = _names(client.get("/placement/standby/", {"q": "железногорск"}).content.decode())
    assert len(town) == 19
    none = client.get("/placement/standby/", {"q": "Обоянь"}).content.decode()
    assert "No standby shelter matches." in none
