"""The incident desk as a duty officer keeps it on the night: report the fire, log what
each service sends, close it; and what the situation report then reads from that log."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.test import Client
from django.utils import timezone

from refuge.alerts.tests.conftest import client_for
from refuge.audit.models import AuditEvent
from refuge.core.sitrep import incident_section
from refuge.desks.tests.world import World
from refuge.incidents.models import Deployment, Incident
from refuge.incidents.selectors import deployment_rows, incident_rows
from refuge.operations.models import Operation


def _local(world: World, delta: timedelta) -> tuple[datetime, str]:
    """A moment `delta` from now, and how a duty officer types it in the operation's time."""
    at = timezone.now().astimezone(ZoneInfo(world.operation.timezone)) + delta
    at = at.replace(second=0, microsecond=0)
    return at, at.strftime("%d.%m.%Y %H:%M")


def _report(client: Client, world: World, **fields: str) -> Incident:
    _, typed = _local(world, timedelta(hours=-5))
    data = {"kind": "fire", "name": "Пожежа на нафтобазі", "place": "Тернопіль, вул. Шептицького",
            "reported_at": typed, "lat": "", "lon": "", **fields}  # fmt: skip
    response = client.post("/incidents/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Incident.objects.get(pk=int(re.search(r"/incidents/(\d+)/", response["Location"])[1]))


def _deploy(client: Client, incident: Incident, typed_at: str, **fields: str):  # type: ignore[no-untyped-def]
    data = {"service": "ДСНС", "at": typed_at, "personnel": "0", "units": "0",
            "fire_train": "0", "aerial_ladder": "0", "heavy_engineering": "0",
            "pumping_station": "0", **fields}  # fmt: skip
    return client.post(f"/incidents/{incident.pk}/deploy/", data)


def test_a_night_of_the_log_is_what_the_report_reads(world: World) -> None:
    duty = client_for(world, "duty")
    reported, _ = _local(world, timedelta(hours=-5))
    incident = _report(duty, world, alerts=[str(world.alert_released)])
    assert incident.reported_at == reported  # typed in the operation's local time
    assert list(incident.alerts.values_list("pk", flat=True)) == [world.alert_released]

    _, early = _local(world, timedelta(hours=-4))
    _, later = _local(world, timedelta(hours=-2))
    assert _deploy(duty, incident, early, personnel="41", units="9").status_code == 302
    response = _deploy(duty, incident, later, personnel="82", units="20", fire_train="0")
    assert response.status_code == 302
    trains = _deploy(duty, incident, later, service="Укрзалізниця: пожежні поїзди",
                     personnel="12", units="2", fire_train="2")  # fmt: skip
    assert trains.status_code == 302

    page = duty.get(f"/incidents/{incident.pk}/").content.decode()
    deployed = page[
        page.index('id="deployed"') : page.index("</table>", page.index('id="deployed"'))
    ]
    assert "82" in deployed and "41" not in deployed  # the service's later row replaces it
    assert re.search(r"Total</th><td></td><td class=\"num\">94</td><td class=\"num\">22", deployed)
    assert "fire trains: 2" in deployed

    now = timezone.now()
    op = world.operation
    section = incident_section(now, incident_rows(op, now), deployment_rows(op, now))
    (line,) = [x for x in section.open if x.incident_id == incident.pk]
    assert (line.personnel, line.units, line.special) == (94, 22, (("fire_train", 2),))
    log = duty.get("/incidents/").content.decode()
    assert "2 open incidents: 94 personnel and 22 units deployed now." in log

    contained, typed_contained = _local(world, timedelta(hours=-1))
    closed, typed_closed = _local(world, timedelta(minutes=-30))
    response = duty.post(f"/incidents/{incident.pk}/update/",
                         {"contained_at": typed_contained, "closed_at": typed_closed,
                          "dead": "0", "injured": "1"})  # fmt: skip
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.contained_at, incident.closed_at, incident.injured) == (contained, closed, 1)
    page = duty.get(f"/incidents/{incident.pk}/").content.decode()
    assert "Nothing deployed now." in page and "Record the deployment" not in page
    actions = set(AuditEvent.objects.filter(object_type="incident", object_id=str(incident.pk))
                  .values_list("action", flat=True))  # fmt: skip
    assert actions >= {"incident_report", "incident_deploy", "incident_update"}


def test_bad_entries_are_refused_field_by_field_in_the_users_language(world: World) -> None:
    duty = client_for(world, "duty")
    incident = _report(duty, world)
    _, before = _local(world, timedelta(hours=-6))
    _, ok = _local(world, timedelta(hours=-1))
    _, tomorrow = _local(world, timedelta(days=1))

    response = _deploy(duty, incident, before, personnel="5", units="1")
    assert response.status_code == 400
    assert "Before the incident was reported." in response.content.decode()
    response = _deploy(duty, incident, ok, personnel="5", units="1", fire_train="2")
    assert "Fewer units than the special ones counted among them." in response.content.decode()
    response = _deploy(duty, incident, "31.02.2024 03:00", personnel="5", units="1")
    assert "Write the date and time like 20.08.2024 03:05." in response.content.decode()
    response = _deploy(duty, incident, tomorrow, personnel="-3", units="1")
    body = response.content.decode()
    assert "This time is in the future." in body and "greater than or equal to 0" in body
    assert not Deployment.objects.filter(incident=incident).exists()

    ru = duty.post(f"/incidents/{incident.pk}/update/",
                   {"contained_at": ok, "closed_at": before, "dead": "0", "injured": "0"},
                   HTTP_ACCEPT_LANGUAGE="ru")  # fmt: skip
    assert ru.status_code == 400
    assert "До того, как о происшествии сообщили." in ru.content.decode()
    incident.refresh_from_db()
    assert incident.closed_at is None and incident.contained_at is None

    missing = duty.post("/incidents/", {"kind": "fire", "name": "", "place": "x",
                                        "reported_at": ok, "lat": "50.1", "lon": ""},
                        HTTP_ACCEPT_LANGUAGE="uk")  # fmt: skip
    assert missing.status_code == 400
    assert "Вкажіть і широту, і довготу, або жодну." in missing.content.decode()


def test_another_operations_incident_is_not_found(world: World) -> None:
    other = Operation.objects.create(name="Другая операция", slug="other-op",
                                     affected_region=world.operation.affected_region,
                                     started_at=timezone.now())  # fmt: skip
    theirs = Incident.objects.create(operation=other, kind="flood", name="Паводок",
                                     place="Курчатов", reported_at=timezone.now())  # fmt: skip
    duty = client_for(world, "duty")
    assert duty.get(f"/incidents/{theirs.pk}/").status_code == 404
    assert _deploy(duty, theirs, "01.01.2024 00:00", personnel="1", units="1").status_code == 404
    assert "Паводок" not in duty.get("/incidents/").content.decode()
