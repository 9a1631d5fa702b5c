"""The shelter desk's lists: a page at a time, searched by name without the name in a URL."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.test import Client

from refuge.audit.models import AuditEvent
from refuge.desks.tests.world import MSK, World, register
from refuge.shelters.actions import Arrival, do_assign, do_check_in
from refuge.shelters.models import Shelter


def _manager(world: World) -> Client:
    client = Client()
    client.force_login(world.users["manager"])
    return client


def _fill(world: World, n: int) -> Shelter:
    """n households of one checked in at shelter A, which grows to hold them."""
    s = world.shelter_a
    Shelter.objects.filter(pk=s.pk).update(capacity=200)
    s.refresh_from_db()
    at = datetime.now(MSK) - timedelta(minutes=30)
    households = [
        register(world.operation, world.point_a, f"Коваленко{i}", size=1) for i in range(n)
    ]
    for h in households:
        do_assign(household=h, shelter=s, at=at)
    do_check_in([Arrival(household=h, shelter=s, at=at, reserved=True) for h in households])
    return s


def _residents(html: str) -> list[int]:
    table = html[html.index('<h2 id="residents">') :]
    return [
        int(n) for n in re.findall(r'<th scope="row"><a href="/desk/households/(\d+)/">', table)
    ]


def test_the_residents_are_a_captioned_table_fifty_to_a_page(world: World) -> None:
    s = _fill(world, 55)
    client = _manager(world)
    html = client.get(f"/desk/shelters/{s.pk}/").content.decode()
    assert f"<caption>Residents of {s.name}</caption>" in html
    assert '<th scope="col">Members</th>' in html
    assert len(_residents(html)) == 50 and "1–50 of 55" in html
    assert '<b id="free">143</b>' in html  # 200 places, 55 inside, 2 expected
    second = client.get(f"/desk/shelters/{s.pk}/", {"page": "2"}).content.decode()
    assert len(_residents(second)) == 5
    assert "Ivanova" in second  # the expected arrivals stay on every page
    for bad in ("abc", "99999", "-1"):
        assert client.get(f"/desk/shelters/{s.pk}/", {"page": bad}).status_code == 200


def test_a_name_search_goes_by_post_and_finds_the_household_in_any_case(world: World) -> None:
    s = _fill(world, 55)
    client = _manager(world)
    response = client.post(f"/desk/shelters/{s.pk}/", {"name": "коваленко7"})
    assert response.status_code == 200
    html = response.content.decode()
    assert len(_residents(html)) == 1 and "Коваленко7 Anna0" in html
    assert "Nobody of that name is expected." in html
    search = AuditEvent.objects.get(action="search", object_type="shelter")
    assert "оваленко" not in search.summary and search.summary.endswith("0 expected, 1 inside")


def test_the_pages_of_a_search_are_buttons_of_the_search_form(world: World) -> None:
    s = _fill(world, 55)
    client = _manager(world)
    html = client.post(f"/desk/shelters/{s.pk}/", {"name": "Коваленко"}).content.decode()
    assert len(_residents(html)) == 50
    assert '<button type="submit" form="resident-search" name="page" value="2">2</button>' in html
    assert "Коваленко" not in "".join(re.findall(r'href="([^"]*)"', html))
    second = client.post(f"/desk/shelters/{s.pk}/", {"name": "Коваленко", "page": "2"})
    assert len(_residents(second.content.decode())) == 5
