"""A coordinator and a shelter manager walk the long lists and the map, in English and
Russian, on a phone and a desktop; the map draws with nothing reachable but Refuge."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from refuge.desks.tests.world import PASSWORD, World, build_world
from refuge.geo.models import District, Region
from refuge.operations.models import EvacuationOrder
from refuge.shelters.models import Shelter, Status

pytestmark = pytest.mark.browser


def _more_shelters(world: World) -> None:
    """Seventy shelters across Kursk oblast, some full, some on standby, every third with
    wheelchair access."""
    krs = Region.objects.get(code="RU-KRS")
    Shelter.objects.bulk_create(
        Shelter(
            operation=world.operation,
            name=f"ПВР №{i} (школа)" if i % 2 else f"ПВР №{i} (общежитие)",
            region=krs,
            address=f"Курчатов, ул. Энергетиков, {i}" if i % 3 else f"Курск, ул. Ленина, {i}",
            lat=51.45 + (i % 10) * 0.08,
            lon=35.6 + (i // 10) * 0.2,
            kind=Shelter.Kind.SCHOOL,
            capacity=100,
            occupancy=(i * 13) % 101,
            status=Status.STANDBY if i % 7 == 0 else Status.OPEN,
            wheelchair_access=i % 3 == 0,
        )
        for i in range(1, 71)
    )


def _order(world: World) -> None:
    order = EvacuationOrder.objects.create(
        operation=world.operation,
        effective_at=timezone.now() - timedelta(days=1),
        kind="mandatory",
        scope=EvacuationOrder.Scope.DISTRICTS,
    )
    order.districts.add(*District.objects.filter(slug__in=("sudzhansky", "korenevsky")))


def _sign_in(browser, live_server, username: str, lang: str, width: int):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": width, "height": 780 if width < 600 else 900}, locale=lang
    )
    context.set_default_timeout(120_000)  # seven engineers share two cores
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/desk/$"))
    return page


@pytest.mark.django_db(transaction=True)
def test_lists_and_the_offline_map_for_a_coordinator_and_a_manager(
    live_server, browser, shots
) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    _more_shelters(world)
    _order(world)
    elsewhere: list[str] = []

    def only_refuge(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    walks = {
        "national": ["/desk/shelters/?sort=-free", "/desk/households/", "/placement/standby/"],
        "manager": [f"/desk/shelters/{world.shelter_a.pk}/", "/desk/households/"],
    }
    for who, paths in walks.items():
        for lang in ("en", "ru"):
            for width in (360, 1280):
                page = _sign_in(browser, live_server, who, lang, width)
                page.route("**/*", only_refuge)
                for path in paths:
                    page.goto(live_server.url + path)
                    name = path.strip("/").split("?")[0].replace("/", "-")
                    shots(page, f"{who}-{lang}-{width}-{name}")
                page.goto(f"{live_server.url}/desk/map/")
                page.wait_for_selector("#map[data-drawn]")
                shelters_drawn = page.locator("path.leaflet-interactive").count()
                shots(page, f"{who}-{lang}-{width}-map")
                if who == "national":
                    # 72 shelters, two district outlines, their settlements, the border
                    assert shelters_drawn > 72 + 2
                else:
                    assert page.locator(".wheelchair-mark").count() == 2  # legend, shelter A
                page.locator("path.leaflet-interactive").last.click(force=True)
                popup = page.locator(".leaflet-popup-content")
                popup.wait_for()
                # Leaflet fades a popup in; axe measured mid-fade sees a half-transparent link.
                # (polled from here: the page's CSP forbids the eval wait_for_function needs)
                fade = page.locator(".leaflet-popup")
                for _ in range(50):
                    if fade.evaluate("e => getComputedStyle(e).opacity") == "1":
                        break
                    page.wait_for_timeout(50)
                shots(page, f"{who}-{lang}-{width}-map-popup")
                page.context.close()
    assert elsewhere == []
