"""A relative leaves an enquiry on the public page, in Russian on a phone and in English
on a desktop, is given a reference number, and an officer finds the enquiry by it."""

from __future__ import annotations

import re

import pytest

from refuge.desks.tests.world import PASSWORD, build_world
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _enquire(browser, live_server, shots, width: int, language: str) -> str:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": width, "height": 780}, extra_http_headers={"Accept-Language": language}
    )
    context.set_default_timeout(120_000)  # the first request warms the server up
    page = context.new_page()
    page.goto(f"{live_server.url}/tracing/find/")
    page.locator("#id_family_name").fill("Коваленко")
    page.locator("#id_given_name").fill("Оксана")
    page.locator("#id_birth_year").fill("1948")
    page.locator("#id_settlement").fill("Суджа")
    page.locator("#id_enquirer_name").fill("Олена Іваненко")
    page.locator("#id_enquirer_contact").fill("+380 50 123 45 67")
    page.locator("button[type=submit]", has_text=re.compile("Search|Искать|Шукати")).click()
    reference = page.locator("#reference").inner_text()
    shots(page, f"answer-{language}-{width}")
    context.close()
    return reference


@pytest.mark.django_db(transaction=True)
def test_the_reference_is_shown_and_an_officer_finds_the_enquiry(
    live_server, browser, shots
) -> None:  # type: ignore[no-untyped-def]
    build_world()
    on_phone = _enquire(browser, live_server, shots, 360, "ru")
    on_desktop = _enquire(browser, live_server, shots, 1280, "en")
    assert re.fullmatch(r"[2-9A-Z]{5}-[2-9A-Z]{5}", on_phone) and on_phone != on_desktop

    officer = sign_in(browser, live_server, "tracing", PASSWORD, width=1280)
    officer.goto(f"{live_server.url}/tracing/enquiries/")
    officer.get_by_label("Reference number").fill(on_phone.lower())
    shots(officer, "lookup")
    officer.get_by_role("button", name="Find the enquiry").click()
    officer.wait_for_url(re.compile(r"/tracing/enquiries/\d+/$"))
    assert officer.locator("#reference").inner_text() == on_phone
    shots(officer, "enquiry")
