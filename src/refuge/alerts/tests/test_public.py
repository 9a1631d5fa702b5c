"""The public page, the Atom feed and the CAP files: no login, each language."""

from __future__ import annotations

import re
from datetime import timedelta
from xml.etree import ElementTree as ET

from django.test import Client
from django.utils import timezone

from refuge.alerts.models import Alert
from refuge.alerts.tests.conftest import client_for
from refuge.core import cap
from refuge.desks.tests.world import World
from refuge.geo.models import Region

ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_public_page_shows_warnings_in_force_in_the_asked_language(world: World) -> None:
    anonymous = Client()
    uk = anonymous.get("/alerts/?lang=uk").content.decode()
    assert '<html lang="uk">' in uk
    assert 'rel="alternate" type="application/atom+xml"' in uk
    assert "Повітряна тривога: Курська область" in uk
    ru = anonymous.get("/alerts/?lang=ru").content.decode()
    assert "Воздушная тревога: Курская область" in ru
    assert "Действует воздушная тревога:</strong> Курская область" in ru
    assert "Оповещения населения" in ru
    # A draft is nobody's to read here.
    draft = Alert.objects.get(pk=world.alert_draft)
    assert draft.text("ru")["headline"] not in ru


def test_the_feed_links_each_cap_message(world: World) -> None:
    response = Client().get("/alerts/feed.atom?lang=uk")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Повітряна тривога: Курська область"
    link = entry.find(f"{ATOM}link[@type='application/cap+xml']")
    assert link is not None and link.get("href", "").endswith(f"/alerts/{world.alert_released}.xml")
    xml = Client().get(f"/alerts/{world.alert_released}.xml")
    assert xml["Content-Type"] == "application/cap+xml"
    assert cap.schema_errors(xml.content) == []


def test_expired_and_cancelled_leave_the_list_but_stay_retrievable(world: World) -> None:
    air_raid = Alert.objects.get(pk=world.alert_released)
    duty = client_for(world, "duty")
    duty.post(f"/alerts/desk/{air_raid.pk}/followup/", {"kind": "Cancel"})
    client_for(world, "national").post(
        f"/alerts/desk/{Alert.objects.get(replaces=air_raid).pk}/release/"
    )
    page = Client().get("/alerts/?lang=en").content.decode()
    assert 'id="in-force"' not in page and 'id="none"' in page
    assert "Air-raid alert: Kursk Oblast" in page  # among the earlier warnings
    detail = Client().get(f"/alerts/{air_raid.pk}/?lang=en").content.decode()
    assert 'id="not-in-force"' in detail
    assert Client().get(f"/alerts/{air_raid.pk}.xml").status_code == 200
    # An expired one likewise.
    Alert.objects.filter(pk=air_raid.pk).update(ended_at=None)
    assert 'id="in-force"' in Client().get("/alerts/").content.decode()
    Alert.objects.filter(pk=air_raid.pk).update(expires=timezone.now() - timedelta(minutes=1))
    page = Client().get("/alerts/?lang=en").content.decode()
    assert 'id="none"' in page and "Air-raid alert: Kursk Oblast" in page


def test_the_region_endpoint_lists_regions_under_air_raid_alert(world: World) -> None:
    assert Client().get("/alerts/regions.json").json() == {"alerts": ["RU-KRS"]}


def test_a_release_shows_at_once_on_a_page_already_drawn(world: World) -> None:
    anonymous = Client()
    before = anonymous.get("/alerts/?lang=uk").content.decode()
    assert before.count('class="alert ') == 1
    draft = Alert.objects.get(pk=world.alert_draft)
    client_for(world, "regional").post(f"/alerts/desk/{draft.pk}/release/")
    after = anonymous.get("/alerts/?lang=uk").content.decode()
    assert after.count('class="alert ') == 2 and draft.text("uk")["headline"] in after
    feed = anonymous.get("/alerts/feed.atom?lang=uk").content.decode()
    assert draft.text("uk")["headline"] in feed


def test_the_map_marks_the_regions_under_air_raid_alert(world: World) -> None:
    page = Client().get("/alerts/?lang=ru").content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    red = re.findall(r'fill="#c62828"[^>]*><title>([^<]+)</title>', svg)
    assert red == ["Курская область: воздушная тревога"]
    assert svg.count("<circle") == Region.objects.filter(country="RU", lat__isnull=False).count()
    assert "Регионы, где сейчас воздушная тревога (красные): Курская область" in page
    # Coordinates as SVG reads them, whatever the page's language writes numbers like.
    assert not re.search(r'c[xy]="[^"]*,', svg)
