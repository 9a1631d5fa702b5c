"""A registrar finds a family however it is typed; an officer merges it registered twice."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from refuge.desks.tests.world import PASSWORD, build_world
from refuge.registry.actions import MemberData
from refuge.tracing.models import DuplicateCandidate, Merge
from refuge.tracing.tests.test_scan_households import HUSBAND, TWIN_A, WIFE, _household
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _language(page, code: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("#lang-select").select_option(code)
    page.locator("form.lang button").click()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 1280])
def test_search_then_merge_a_family_registered_twice(live_server, browser, shots, width) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    first = _household(world, HUSBAND, WIFE, TWIN_A)
    _household(
        world,
        MemberData("Petro", "Kovalenko", "", "M", 1961, 4, 2),
        MemberData("Маша", "Коваленко", "Ивановна", "F", 1963, 11, 20),
        point="b",
        hours_ago=6,
    )
    call_command("tracing", "scan")

    registrar = sign_in(browser, live_server, "registrar_a", PASSWORD, width=width)
    registrar.get_by_role("link", name="Search people").click()
    registrar.get_by_label("Family name").fill("Kovalenko")
    registrar.get_by_label("Given name").fill("Masha")
    registrar.get_by_role("button", name="Search").click()
    # a click does not wait for the page it asks for: wait for its words
    expect(registrar.locator("body")).to_contain_text("Коваленко Мария Ивановна")
    assert "Маша" not in registrar.content()  # point B's registration is not hers to see
    shots(registrar, f"search-{width}-en")
    _language(registrar, "ru")
    registrar.get_by_label("Телефон").fill("22-47")
    registrar.get_by_role("button", name="Искать").click()
    expect(registrar.locator("body")).to_contain_text("Найдено 3 человека")
    shots(registrar, f"search-{width}-ru")

    officer = sign_in(browser, live_server, "tracing", PASSWORD, width=width)
    pair = DuplicateCandidate.objects.get(left__given_name="Пётр")
    officer.goto(f"{live_server.url}/tracing/pairs/{pair.pk}/")
    _language(officer, "uk")
    expect(officer.locator("body")).to_contain_text("Та сама дата народження")
    shots(officer, f"pair-{width}-uk")
    officer.get_by_role("link", name="Порівняти й об'єднати їхні родини повністю").click()
    shots(officer, f"household-merge-{width}-uk")
    officer.get_by_label("Причина").fill("одна родина, ті самі дати")
    officer.get_by_role("button", name="Об'єднати 2 особи").click()
    officer.wait_for_url(re.compile(r"/tracing/$"))  # back to the queue once merged
    assert Merge.objects.filter(undone_at__isnull=True).count() == 2
    officer.goto(f"{live_server.url}/desk/households/{first.pk}/")
    assert "Зареєстровано повторно як Kovalenko Petro" in officer.content()
    shots(officer, f"household-{width}-uk")
