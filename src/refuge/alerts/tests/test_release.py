"""Two persons: a duty officer or coordinator drafts, another coordinator releases."""

from __future__ import annotations

import re

from django.test import Client

from refuge.alerts.models import Alert, RegionAlarm
from refuge.alerts.tests.conftest import client_for
from refuge.audit.models import AuditEvent
from refuge.core import cap
from refuge.desks.tests.world import World
from refuge.geo.models import District


def _draft(client: Client, **fields: str) -> Alert:
    district = District.objects.get(slug="sudzhanskij") if District.objects.filter(
        slug="sudzhanskij").exists() else District.objects.order_by("pk").first()  # fmt: skip
    assert district is not None
    data = {"template": "shelter_in_place", "area": f"district:{district.pk}", "place": "",
            "description": "", "hours": "", **fields}  # fmt: skip
    response = client.post("/alerts/desk/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Alert.objects.get(pk=int(re.search(r"/alerts/desk/(\d+)/", response["Location"])[1]))


def test_a_duty_officers_draft_is_released_by_a_coordinator_and_validates(world: World) -> None:
    alert = _draft(client_for(world, "duty"))
    assert alert.state == "draft" and alert.drafted_by == world.users["duty"]
    assert client_for(world, "duty").post(f"/alerts/desk/{alert.pk}/release/").status_code == 403
    page = client_for(world, "regional").get(f"/alerts/desk/{alert.pk}/").content.decode()
    assert 'id="release"' in page
    client_for(world, "regional").post(f"/alerts/desk/{alert.pk}/release/")
    alert.refresh_from_db()
    assert alert.state == "released" and alert.released_by == world.users["regional"]
    xml = bytes(alert.xml)
    assert cap.schema_errors(xml) == []
    message = cap.read(xml)
    assert [i.language for i in message.infos] == ["en", "ru", "uk"]
    assert message.info("uk").response_types == ("Shelter",)
    assert "зачиніть вікна" in message.info("uk").instruction
    assert message.infos[0].areas[0].polygons or message.infos[0].areas[0].circles
    assert message.infos[0].areas[0].geocodes == (("ISO 3166-2", "RU-KRS"),)
    actions = set(
        AuditEvent.objects.filter(object_id=str(alert.pk)).values_list("action", flat=True)
    )
    assert actions == {"alert_draft", "alert_release"}


def test_nobody_releases_their_own_draft(world: World) -> None:
    national = client_for(world, "national")
    alert = _draft(national)
    page = national.get(f"/alerts/desk/{alert.pk}/").content.decode()
    assert 'id="release"' not in page
    national.post(f"/alerts/desk/{alert.pk}/release/")
    alert.refresh_from_db()
    assert alert.state == "draft" and alert.sent is None
    client_for(world, "regional").post(f"/alerts/desk/{alert.pk}/release/")
    alert.refresh_from_db()
    assert alert.state == "released"


def test_a_shelter_template_needs_the_address(world: World) -> None:
    response = client_for(world, "duty").post(
        "/alerts/desk/", {"template": "shelter_opened", "area": "region:RU-KRS", "place": " "}
    )
    assert response.status_code == 400
    assert Alert.objects.filter(template="shelter_opened").count() == 0


def test_update_and_cancel_reference_the_message_they_replace(world: World) -> None:
    first = Alert.objects.get(pk=world.alert_released)  # an air-raid alert for Kursk oblast
    duty, national = client_for(world, "duty"), client_for(world, "national")
    assert RegionAlarm.objects.get().active
    duty.post(f"/alerts/desk/{first.pk}/followup/", {"kind": "Update"})
    update = Alert.objects.get(replaces=first, msg_type="Update")
    national.post(f"/alerts/desk/{update.pk}/release/")
    update.refresh_from_db()
    first.refresh_from_db()
    assert first.ended_at == update.sent
    (ref,) = cap.read(bytes(update.xml)).references
    assert (ref.sender, ref.identifier, ref.sent) == (first.sender, first.identifier, first.sent)
    duty.post(f"/alerts/desk/{update.pk}/followup/", {"kind": "AllClear"})
    clear = Alert.objects.get(replaces=update)
    assert clear.template == "all_clear" and clear.msg_type == "Update"
    national.post(f"/alerts/desk/{clear.pk}/release/")
    assert not RegionAlarm.objects.order_by("-at", "-pk").first().active
    assert cap.schema_errors(bytes(Alert.objects.get(pk=clear.pk).xml)) == []
    # A cancellation of the all clear names it, and ends it at once.
    duty.post(f"/alerts/desk/{clear.pk}/followup/", {"kind": "Cancel"})
    cancel = Alert.objects.get(replaces=clear)
    national.post(f"/alerts/desk/{cancel.pk}/release/")
    cancel.refresh_from_db()
    (ref,) = cap.read(bytes(cancel.xml)).references
    assert ref.identifier == clear.identifier and cancel.ended_at == cancel.sent


def test_an_ended_warning_takes_no_second_followup(world: World) -> None:
    first = Alert.objects.get(pk=world.alert_released)
    duty = client_for(world, "duty")
    duty.post(f"/alerts/desk/{first.pk}/followup/", {"kind": "Cancel"})
    cancel = Alert.objects.get(replaces=first)
    client_for(world, "national").post(f"/alerts/desk/{cancel.pk}/release/")
    before = Alert.objects.count()
    duty.post(f"/alerts/desk/{first.pk}/followup/", {"kind": "Update"})
    assert Alert.objects.count() == before


def test_a_border_band_and_a_circle_are_drawn_as_cap_areas(world: World) -> None:
    from refuge.geo.models import Settlement

    duty, national = client_for(world, "duty"), client_for(world, "national")
    band = _draft(duty, area="band", band_km="12.5")
    assert band.params["area"] == "band:RU-KRS,12.5"
    circle = _draft(duty, template="air_raid", area="circle", lat="51.7304", lon="36.1926",
                    radius_km="25")  # fmt: skip
    for alert in (band, circle):
        national.post(f"/alerts/desk/{alert.pk}/release/")
        alert.refresh_from_db()
        assert cap.schema_errors(bytes(alert.xml)) == []
    (band_area,) = cap.read(bytes(band.xml)).info("ru").areas
    inside = Settlement.objects.filter(district__region__code="RU-KRS", border_km__lte=12.5)
    corners = {p for polygon in band_area.polygons for p in polygon}
    assert corners and corners <= {(s.lat, s.lon) for s in inside}
    assert "в пределах 12.5 км от государственной границы" in band_area.desc
    (circle_area,) = cap.read(bytes(circle.xml)).info("uk").areas
    assert circle_area.circles == (cap.Circle(51.7304, 36.1926, 25.0),)
    assert circle_area.geocodes == (("ISO 3166-2", "RU-KRS"),)


def test_a_circle_without_its_centre_is_refused_by_field(world: World) -> None:
    before = Alert.objects.count()
    response = client_for(world, "duty").post(
        "/alerts/desk/", {"template": "air_raid", "area": "circle", "radius_km": "25"}
    )
    assert response.status_code == 400 and Alert.objects.count() == before
    assert response.content.decode().count("Needed for a circle.") == 2
