"""The shelters list pages through hundreds of shelters, sorts and searches them."""

from __future__ import annotations

import re

from django.test import Client

from refuge.desks.tests.world import World
from refuge.geo.models import Region
from refuge.shelters.models import Shelter, Status


def _many_shelters(world: World, n: int = 120) -> None:
    """n more shelters in Kursk oblast, as the scenario's: schools, free places 0 to n-1."""
    krs = Region.objects.get(code="RU-KRS")
    Shelter.objects.bulk_create(
        Shelter(
            operation=world.operation,
            name=f"Школа №{i} г. Курчатов" if i % 10 == 0 else f"Пункт временного размещения {i}",
            region=krs,
            address=f"Рыльск, ул. Ленина, {i}" if i % 7 == 0 else f"Курск, ул. Мира, {i}",
            lat=51.7 + i / 1000,
            lon=36.2,
            kind=Shelter.Kind.SCHOOL,
            capacity=200,
            occupancy=200 - i,  # free places: i
            status=Status.OPEN if i % 3 else Status.STANDBY,
        )
        for i in range(n)
    )


def _rows(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/desk/shelters/\d+/">([^<]+)</a>', html)


def _national(world: World) -> Client:
    client = Client()
    client.force_login(world.users["national"])
    return client


def test_the_list_shows_fifty_shelters_a_page_and_the_links_keep_the_filters(
    world: World,
) -> None:
    _many_shelters(world)
    client = _national(world)
    krs = world.shelter_a.region
    html = client.get("/desk/shelters/", {"region": krs.pk}).content.decode()
    assert len(_rows(html)) == 50
    assert "1–50 of 121" in html
    page_3 = re.search(r'<a href="(\?[^"]*page=3[^"]*)">3</a>', html)
    assert page_3 and f"region={krs.pk}" in page_3.group(1)
    last = client.get("/desk/shelters/" + page_3.group(1).replace("&amp;", "&")).content.decode()
    assert len(_rows(last)) == 21 and "101–121 of 121" in last


def test_sorting_by_free_places_puts_the_emptiest_first(world: World) -> None:
    _many_shelters(world)
    client = _national(world)
    html = client.get("/desk/shelters/", {"sort": "-free"}).content.decode()
    assert _rows(html)[:2] == ["Пункт временного размещения 119", "Пункт временного размещения 118"]
    assert 'aria-sort="descending"' in html
    ascending = _rows(client.get("/desk/shelters/", {"sort": "free"}).content.decode())
    assert ascending[0] == "Школа №0 г. Курчатов"  # no free place at all


def test_pages_of_a_sort_with_many_ties_show_every_shelter_once(world: World) -> None:
    """Eighty shelters share the status "open": the pages must still split them cleanly."""
    _many_shelters(world)
    client = _national(world)
    seen = []
    for page in (1, 2, 3):
        html = client.get("/desk/shelters/", {"sort": "status", "page": page}).content.decode()
        seen += _rows(html)
    assert len(seen) == len(set(seen)) == Shelter.objects.count()


def test_the_text_search_finds_a_name_an_address_or_a_district_in_any_case(
    world: World,
) -> None:
    _many_shelters(world)
    client = _national(world)
    schools = _rows(client.get("/desk/shelters/", {"q": "школа"}).content.decode())
    assert len(schools) == 12 and all(s.startswith("Школа") for s in schools)
    rylsk = _rows(client.get("/desk/shelters/", {"q": "РЫЛЬСК"}).content.decode())
    assert len(rylsk) == 18


def test_bad_page_and_sort_values_answer_a_list(world: World) -> None:
    _many_shelters(world)
    client = _national(world)
    for query in (
        {"page": "abc"},
        {"page": "99999"},
        {"page": "-4"},
        {"page": "1e9"},
        {"sort": "evil"},
        {"sort": "-pk; DROP TABLE shelters_shelter"},
        {"sort": "--free"},
        {"min_free": "many"},
        {"region": "999999999"},
    ):
        response = client.get("/desk/shelters/", query)
        assert response.status_code == 200, query
        assert _rows(response.content.decode()), query
    last = client.get("/desk/shelters/", {"page": "99999"}).content.decode()
    assert "101–122 of 122" in last  # Shelter B besides the Kursk ones
