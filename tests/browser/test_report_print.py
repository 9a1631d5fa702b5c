"""The report on screen and on paper: picked moment, values on the bars, print rules."""

from __future__ import annotations

import pytest

from refuge.desks.tests.world import build_world

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_the_report_prints_without_nav_or_forms_and_keeps_its_values(
    live_server, browser, shots
) -> None:  # type: ignore[no-untyped-def]
    build_world()  # two households of two left home three hours before their registration
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    assert page.locator("svg.chart text.value").all_text_contents() == ["4"]
    page.get_by_label("Figures as of").wait_for()
    shots(page, "report-360")
    page.emulate_media(media="print")
    shots(page, "report-print")
    assert not page.locator("header.top").is_visible()
    assert not page.locator("form.as-of-picker").is_visible()
    assert page.locator(".print-header").is_visible()
    colour = page.evaluate("getComputedStyle(document.querySelector('.figure b')).color")
    assert colour == "rgb(0, 0, 0)"
    assert page.locator("svg.chart text.value").first.is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    context.close()
