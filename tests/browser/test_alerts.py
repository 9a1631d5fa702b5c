"""A duty officer drafts a shelter-in-place warning for a district from the template, a
coordinator releases it, and the public reads it without signing in, in Russian and
Ukrainian, and in the Atom feed. Screenshots go to the test's tmp directory."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from refuge.alerts.models import Alert
from refuge.desks.tests.world import PASSWORD, build_world
from refuge.geo.models import District
from tests.browser.axe import AxeAudit
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.django_db(transaction=True)
def test_a_shelter_in_place_warning_reaches_the_public_page_and_feed(  # type: ignore[no-untyped-def]
    live_server, browser, tmp_path: Path
) -> None:
    build_world()
    district = District.objects.filter(region__code="RU-KRS").order_by("pk").first()
    assert district is not None
    audit = AxeAudit(tmp_path)
    count = iter(range(1, 100))

    def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
        page.screenshot(path=str(tmp_path / f"{next(count):02d}-{name}.png"), full_page=True)
        audit.check(page, name)

    duty = sign_in(browser, live_server, "duty", PASSWORD, width=900)
    duty.get_by_role("link", name="Warnings").click()
    duty.wait_for_url(re.compile(r"/alerts/desk/$"))
    duty.get_by_label("Warning", exact=True).select_option(label="Shelter in place (smoke)")
    # Only the fields this warning and area need are on the page.
    radius, address = (
        duty.get_by_label("Circle: radius, km"),
        duty.get_by_label("Shelter address (for shelter opened / full)"),
    )
    duty.get_by_label("Area").select_option(value="circle")
    assert radius.is_visible() and not address.is_visible()
    duty.get_by_label("Area").select_option(value=f"district:{district.pk}")
    assert (
        not radius.is_visible()
        and not duty.get_by_label("Border band: km from the border").is_visible()
    )
    duty.get_by_label("What happened (optional)").fill("Пожар на складе, дым идёт на город.")
    shot(duty, "draft-form")
    duty.get_by_role("button", name="Save draft").click()
    duty.get_by_text("Another coordinator must release this draft.").first.wait_for()
    alert = Alert.objects.filter(drafted_by__username="duty").latest("pk")
    assert alert.template == "shelter_in_place"
    assert alert.params["area"] == f"district:{district.pk}"
    assert alert.state == "draft" and duty.get_by_role("button", name="Release").count() == 0
    shot(duty, "draft-saved")

    coordinator = sign_in(browser, live_server, "regional", PASSWORD, width=900)
    coordinator.goto(f"{live_server.url}/alerts/desk/{alert.pk}/")
    coordinator.get_by_role("button", name="Release to the public").click()
    coordinator.get_by_text("Released: the warning is public now.").wait_for()
    shot(coordinator, "released")
    alert.refresh_from_db()
    assert alert.state == "released" and alert.released_by.username == "regional"

    public = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    for lang in ("ru", "uk"):
        public.goto(f"{live_server.url}/alerts/?lang={lang}")
        headline = alert.text(lang)["headline"]
        assert re.search("[а-яіїє]", headline), headline
        public.get_by_role("link", name=headline).wait_for()
        feed = public.locator("link[rel=alternate][type='application/atom+xml']")
        assert feed.get_attribute("href") == f"/alerts/feed.atom?lang={lang}"
        shot(public, f"public-{lang}")
    public.get_by_role("link", name=alert.text("uk")["headline"]).click()
    public.get_by_text("Залишайтеся в приміщенні, зачиніть вікна та двері.").wait_for()
    shot(public, "public-detail-uk")

    atom = public.request.get(f"{live_server.url}/alerts/feed.atom?lang=uk")
    assert atom.headers["content-type"].startswith("application/atom+xml")
    titles = [e.findtext(f"{ATOM}title") for e in ET.fromstring(atom.body()).iter(f"{ATOM}entry")]
    assert alert.text("uk")["headline"] in titles
    cap = public.request.get(f"{live_server.url}/alerts/{alert.pk}.xml")
    assert cap.headers["content-type"] == "application/cap+xml"
    audit.write()
    assert not audit.blocking(), "\n".join(f.line() for f in audit.blocking())
    assert len(list(tmp_path.glob("*.png"))) == 6
