from __future__ import annotations

from django.test import Client

from refuge.audit.models import AuditEvent
from refuge.desks.tests.world import World


def test_viewing_a_household_writes_an_audit_event_without_names(world: World) -> None:
    client = Client()
    client.force_login(world.users["national"])
    client.get(f"/desk/households/{world.household_a.pk}/")
    event = AuditEvent.objects.get(action="view_household")
    assert (event.user, event.role) == (world.users["national"], "national_coordinator")
    assert event.object_id == str(world.household_a.pk)
    assert "Ivanova" not in event.summary
    assert event.ip == "127.0.0.1"


def test_a_search_is_posted_audited_and_keeps_names_out_of_the_url(world: World) -> None:
    client = Client()
    client.force_login(world.users["tracing"])
    assert client.get("/desk/search/?family_name=Ivanova").content.count(b"Anna") == 0
    response = client.post("/desk/search/", {"family_name": "ivanova"})
    html = response.content.decode()
    assert "Ivanova Anna0" in html and "Petrova" not in html
    assert f'href="/desk/households/{world.household_a.pk}/"' in html
    search = AuditEvent.objects.get(action="search")
    assert "Ivanova" not in search.summary and "ivanova" not in search.summary


def test_page_titles_hold_no_names(world: World) -> None:
    client = Client()
    client.force_login(world.users["manager"])
    for path in (
        f"/desk/households/{world.household_a.pk}/",
        f"/desk/shelters/{world.shelter_a.pk}/",
    ):
        title = client.get(path).content.decode().split("<title>")[1].split("</title>")[0]
        assert "Ivanova" not in title and "Anna" not in title


def test_the_auditor_filters_by_user_action_and_date(world: World) -> None:
    national = Client()
    national.force_login(world.users["national"])
    national.get(f"/desk/households/{world.household_a.pk}/")
    national.get("/desk/shelters/export.csv")
    auditor = Client()
    auditor.force_login(world.users["auditor"])
    html = auditor.get("/audit/", {"username": "national", "action": "export"}).content.decode()
    assert "shelters table as csv" in html and "<td>view_household</td>" not in html
    today = AuditEvent.objects.first().at.date().isoformat()
    assert "export" in auditor.get("/audit/", {"since": today, "until": today}).content.decode()
    none = auditor.get("/audit/", {"until": "2000-01-01"}).content.decode()
    assert "No events match." in none


def test_the_trail_names_roles_in_the_auditors_language(world: World) -> None:
    national = Client()
    national.force_login(world.users["national"])
    national.get(f"/desk/households/{world.household_a.pk}/")
    auditor = Client()
    auditor.force_login(world.users["auditor"])
    html = auditor.get("/audit/", {"username": "national"}, HTTP_ACCEPT_LANGUAGE="ru").content
    page = html.decode()
    assert "national_coordinator" not in page
    assert "оординатор" in page
