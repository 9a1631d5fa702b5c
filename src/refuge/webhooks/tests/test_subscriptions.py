"""Who may subscribe to what, which events fire when, and what a listing shows."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from io import StringIO

from django.core.management import call_command
from django.test import override_settings

from refuge.accounts.scope import Actor
from refuge.alerts.actions import do_draft_alert, do_release_alert
from refuge.api.tests.helpers import bearer, token_for
from refuge.audit.models import AuditEvent
from refuge.desks.tests.world import MSK, World, register
from refuge.reports.actions import do_publish_sitrep
from refuge.shelters.actions import (
    Assignment,
    do_assign,
    do_assign_many,
    do_change_status,
    do_release,
)
from refuge.webhooks.models import Delivery, Subscription
from refuge.webhooks.tests.test_deliveries import LOCAL, subscribe, work_once

# A port nobody listens on: these tests look at what is queued, not at sending.
NOWHERE = "http://127.0.0.1:9/hooks"


def events_of(username: str) -> list[tuple[str, dict]]:
    return [
        (d.event, json.loads(d.body)["data"])
        for d in Delivery.objects.filter(subscription__owner__username=username).order_by("pk")
    ]


@LOCAL
def test_an_import_batch_that_fills_a_shelter_tells_the_partners_once(world: World) -> None:
    """Imports take places for a whole batch at once (do_assign_many): the same event."""
    subscribe(bearer(token_for(world.users["national"])), NOWHERE, ["shelter.nearly_full"])
    now = datetime.now(MSK)
    op, point, shelter = world.operation, world.point_a, world.shelter_a
    batch = [register(op, point, f"Бондаренко{i}", size=s) for i, s in enumerate((7, 7, 7, 7, 6))]

    def places(households):  # type: ignore[no-untyped-def]
        return [Assignment(h, shelter, now, list(h.members.all())) for h in households]

    do_assign_many(places(batch[:2]))  # 2 + 14 = 16
    assert events_of("national") == []
    do_assign_many(places(batch[2:]))  # 16 + 20 = 36: crosses
    assert [(e, d["taken"]) for e, d in events_of("national")] == [("shelter.nearly_full", 36)]


@LOCAL
def test_nearly_full_fires_once_per_crossing_of_the_threshold(world: World) -> None:
    """Shelter A: 40 places, 2 reserved. 90 % is 36 places taken or reserved."""
    subscribe(bearer(token_for(world.users["national"])), NOWHERE, ["shelter.nearly_full"])
    now = datetime.now(MSK)
    op, point, shelter = world.operation, world.point_a, world.shelter_a
    families = [register(op, point, f"Шевченко{i}", size=7) for i in range(5)]
    for family in families[:4]:  # 2 + 28 = 30: below
        do_assign(household=family, shelter=shelter, at=now)
    assert events_of("national") == []
    do_assign(household=families[4], shelter=shelter, at=now)  # 37: crosses
    single = register(op, point, "Коваленко", size=1)
    do_assign(household=single, shelter=shelter, at=now)  # 38: still above, no new event
    assert [(e, d["taken"]) for e, d in events_of("national")] == [("shelter.nearly_full", 37)]
    do_release(household=families[4], shelter=shelter, at=now)  # 31: below again
    do_assign(household=families[4], shelter=shelter, at=now)  # 38: a second crossing
    assert [d["taken"] for _, d in events_of("national")] == [37, 38]
    # A smaller capacity can cross it too: 38 of 40 → 38 of 39 stays above, nothing new;
    # below again (7 released: 31 of 39), then 31 of 34 crosses.
    do_change_status(shelter=shelter, status="open", capacity=39, at=now, reason="одна комната")
    do_release(household=families[4], shelter=shelter, at=now)
    do_change_status(shelter=shelter, status="open", capacity=34, at=now, reason="крыло закрыто")
    taken = [(d["taken"], d["shelter"]["capacity"]) for _, d in events_of("national")]
    assert taken == [(37, 40), (38, 40), (31, 34)]
    assert all(d["threshold"] == 0.9 for _, d in events_of("national"))


@LOCAL
def test_shelter_events_go_only_to_accounts_that_may_read_that_shelter(world: World) -> None:
    events = ["shelter.status_changed"]
    subscribe(bearer(token_for(world.users["manager"])), NOWHERE, events)  # shelter A only
    subscribe(bearer(token_for(world.users["regional"])), NOWHERE, events)  # RU-KRS: A
    subscribe(bearer(token_for(world.users["national"])), NOWHERE, events)
    now = datetime.now(MSK)
    do_change_status(shelter=world.shelter_b, status="full", at=now, reason="Белгород")
    do_change_status(shelter=world.shelter_a, status="full", at=now, reason="Курск")
    shelters = {u: [d["shelter"]["name"] for _, d in events_of(u)]
                for u in ("manager", "regional", "national")}  # fmt: skip
    assert shelters == {
        "manager": ["Shelter A"], "regional": ["Shelter A"],
        "national": ["Shelter B", "Shelter A"],
    }  # fmt: skip
    # A registrar reads no shelter, so may not subscribe to shelter events.
    response = bearer(token_for(world.users["registrar_a"])).post(
        "/api/v1/webhooks/", {"url": NOWHERE, "events": events}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "does not read shelters" in response.json()["events"][0]


@LOCAL
def test_released_warnings_and_published_sitreps_reach_their_subscribers(world: World) -> None:
    subscribe(bearer(token_for(world.users["registrar_a"])), NOWHERE,
              ["alert.released", "sitrep.published"])  # fmt: skip
    duty = Actor(user=world.users["duty"], membership=None)
    national = Actor(user=world.users["national"], membership=None)
    draft = do_draft_alert(actor=duty, operation=world.operation, area="region:RU-KRS",
                           template="air_raid")  # fmt: skip
    assert events_of("registrar_a") == []  # a draft is nobody's business
    released = do_release_alert(actor=national, alert=draft)
    as_of = datetime.now(MSK) - timedelta(minutes=5)
    do_publish_sitrep(actor=national, operation=world.operation, as_of=as_of)
    (alert_event, alert), (sitrep_event, report) = events_of("registrar_a")
    assert alert_event == "alert.released" and alert["identifier"] == released.identifier
    assert alert["region"] == "RU-KRS" and alert["msg_type"] == "Alert"
    assert sitrep_event == "sitrep.published" and report["operation"] == "test-op"
    assert report["sitrep"]["operation"] == world.operation.name
    bodies = "".join(d.body for d in Delivery.objects.all())
    assert "Ivanova" not in bodies and "Petrova" not in bodies  # figures, never people
    assert AuditEvent.objects.filter(object_type="sitrep", summary__contains="1 webhook").exists()


def test_private_and_odd_addresses_are_refused_by_default(world: World) -> None:
    client = bearer(token_for(world.users["national"]))
    refused = {
        "http://127.0.0.1:8080/hook": "private or reserved",
        "http://10.20.0.7/hook": "private or reserved",
        "http://169.254.169.254/latest/meta-data/": "private or reserved",
        "http://[::1]/hook": "private or reserved",
        "http://0.0.0.0/": "private or reserved",
        "ftp://files.example.org/hook": "http:// or https://",
        "https://user:pass@8.8.8.8/hook": "user name or password",
        "https://8.8.8.8:99999/hook": "port",
        "javascript:alert(1)": "http:// or https://",
    }
    for url, why in refused.items():
        response = client.post("/api/v1/webhooks/", {"url": url, "events": ["alert.released"]},
                               content_type="application/json")  # fmt: skip
        assert response.status_code == 400, url
        assert why in response.json()["url"][0], (url, response.json())
    assert not Subscription.objects.exists()
    for language, why in (("ru", "частный или зарезервированный"), ("uk", "приватну")):
        response = client.post("/api/v1/webhooks/", {"url": "http://10.20.0.7/hook",
                               "events": ["alert.released"]}, content_type="application/json",
                               HTTP_ACCEPT_LANGUAGE=language)  # fmt: skip
        assert response.status_code == 400 and why in response.json()["url"][0], language
    # A public address is accepted (nothing is sent until an event happens).
    subscribe(client, "https://8.8.8.8/refuge-hook", ["alert.released"])
    with override_settings(REFUGE_WEBHOOK_ALLOWED_NETWORKS=["10.20.0.0/16"]):
        subscribe(client, "http://10.20.0.7/hook", ["alert.released"])


@LOCAL
def test_the_secret_is_shown_once_and_listings_are_scoped(world: World) -> None:
    mine = bearer(token_for(world.users["registrar_a"]))
    hook = subscribe(mine, NOWHERE, ["sitrep.published"], label="Тернопільська ОДА")
    assert hook["secret"].startswith("whsec_") and len(hook["secret"]) > 40
    listed = mine.get("/api/v1/webhooks/")
    detail = mine.get(f"/api/v1/webhooks/{hook['id']}/")
    for response in (listed, detail):
        assert response.status_code == 200
        assert hook["secret"] not in response.content.decode() and "secret" not in response.json()
    assert listed.json()["results"][0]["label"] == "Тернопільська ОДА"
    other = bearer(token_for(world.users["registrar_b"]))
    assert other.get(f"/api/v1/webhooks/{hook['id']}/").status_code == 404
    assert other.get(f"/api/v1/webhooks/{hook['id']}/deliveries/").status_code == 404
    assert other.delete(f"/api/v1/webhooks/{hook['id']}/").status_code == 404
    assert other.get("/api/v1/webhooks/").json()["results"] == []
    national = bearer(token_for(world.users["national"]))
    assert [h["id"] for h in national.get("/api/v1/webhooks/").json()["results"]] == [hook["id"]]


@LOCAL
def test_a_national_coordinator_subscribes_for_a_partner_account_and_removal_cancels(
    world: World,
) -> None:
    national = bearer(token_for(world.users["national"]))
    hook = subscribe(national, NOWHERE, ["alert.released"], owner="registrar_b")
    assert hook["owner"] == "registrar_b"
    # A registrar may not subscribe for someone else.
    response = bearer(token_for(world.users["registrar_a"])).post(
        "/api/v1/webhooks/",
        {"url": NOWHERE, "events": ["alert.released"], "owner": "registrar_b"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "owner" in response.json()
    duty = Actor(user=world.users["duty"], membership=None)
    draft = do_draft_alert(actor=duty, operation=world.operation, area="region:RU-KRS",
                           template="air_raid")  # fmt: skip
    do_release_alert(actor=Actor(user=world.users["national"], membership=None), alert=draft)
    assert national.delete(f"/api/v1/webhooks/{hook['id']}/").status_code == 204
    assert national.get(f"/api/v1/webhooks/{hook['id']}/").status_code == 404
    work_once()
    assert Delivery.objects.get().state == "cancelled"
    audit = list(AuditEvent.objects.filter(object_type="webhook").order_by("pk")
                 .values_list("action", "username", "summary"))  # fmt: skip
    assert audit == [("create", "national", "alert.released"),
                     ("change", "national", "removed")]  # fmt: skip


@LOCAL
def test_the_command_line_adds_lists_shows_deliveries_and_removes(world: World) -> None:
    out, err = StringIO(), StringIO()
    call_command("webhook", "add", "regional", NOWHERE, "--event", "shelter.status_changed",
                 "--event", "shelter.nearly_full", "--label", "Курская ОГА", stdout=out,
                 stderr=err)  # fmt: skip
    secret = out.getvalue().strip()
    assert secret.startswith("whsec_") and "shown only now" in err.getvalue()
    (subscription,) = Subscription.objects.all()
    listing = StringIO()
    call_command("webhook", "list", stdout=listing)
    line = listing.getvalue()
    assert "regional" in line and "shelter.status_changed,shelter.nearly_full" in line
    assert secret not in line
    do_change_status(shelter=world.shelter_a, status="full", at=datetime.now(MSK))
    work_once()  # port 9: refused, recorded
    shown = StringIO()
    call_command("webhook", "deliveries", str(subscription.pk), stdout=shown)
    assert "shelter.status_changed\tpending\t1\tnext " in shown.getvalue()
    assert "ConnectionRefusedError" in shown.getvalue()
    removed = StringIO()
    call_command("webhook", "remove", str(subscription.pk), stdout=removed)
    assert f"webhook {subscription.pk} removed" in removed.getvalue()
    assert AuditEvent.objects.filter(object_type="webhook", username="regional").count() == 2


def test_an_unknown_event_is_refused_naming_the_field(world: World) -> None:
    response = bearer(token_for(world.users["national"])).post(
        "/api/v1/webhooks/", {"url": NOWHERE, "events": ["shelter.exploded"]},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400 and "events" in response.json()


@LOCAL
def test_refuge_sitrep_publish_sends_the_report_and_is_audited(world: World) -> None:
    subscribe(bearer(token_for(world.users["auditor"])), NOWHERE, ["sitrep.published"])
    out = StringIO()
    call_command("sitrep", "--operation", "test-op", "--as-of", "2026-12-04T08:00+03:00",
                 "--format", "json", "--publish", stdout=out)  # fmt: skip
    ((event, data),) = events_of("auditor")
    assert event == "sitrep.published" and data["as_of"] == "2026-12-04T08:00:00+03:00"
    assert data["sitrep"] == json.loads(out.getvalue())
    published = AuditEvent.objects.get(object_type="sitrep")
    assert published.object_id == "test-op" and "1 webhook" in published.summary
    # Without --publish the report is printed and nothing is sent.
    call_command("sitrep", "--operation", "test-op", stdout=StringIO())
    assert len(events_of("auditor")) == 1
