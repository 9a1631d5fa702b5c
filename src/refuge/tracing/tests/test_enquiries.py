"""Tracing officers work through enquiries: ranked candidates, evidence, resolved with a note."""

from __future__ import annotations

from django.test import Client

from refuge.audit.models import AuditEvent
from refuge.desks.tests.world import World
from refuge.registry.actions import MemberData
from refuge.tracing.models import Enquiry
from refuge.tracing.tests.conftest import client_for, one, register_people


def _enquiry(world: World) -> Enquiry:
    Client().post(
        "/tracing/find/",
        {
            "family_name": "Ivanova",
            "given_name": "Tetiana",
            "birth_year": "1952",
            "enquirer_name": "Olena",
            "enquirer_contact": "olena@example.org",
        },  # fmt: skip
    )
    return Enquiry.objects.get()


def test_the_officer_sees_the_enquiry_with_ranked_candidates(world: World) -> None:
    tatiana = one(register_people(world, MemberData(given_name="Татьяна",
                                                    family_name="Иванова", birth_year=1952)))  # fmt: skip
    enquiry = _enquiry(world)
    officer = client_for(world, "tracing")
    listing = officer.get("/tracing/enquiries/").content.decode()
    assert f"/tracing/enquiries/{enquiry.pk}/" in listing
    page = officer.get(f"/tracing/enquiries/{enquiry.pk}/").content.decode()
    assert "olena@example.org" in page
    assert "Иванова Татьяна" in page and f"/desk/households/{tatiana.household_id}/" in page
    assert "given_name:same-identity" in page
    assert AuditEvent.objects.filter(action="view_person", object_type="enquiry").exists()


def test_resolving_needs_a_note_and_takes_the_enquiry_off_the_list(world: World) -> None:
    enquiry = _enquiry(world)
    officer = client_for(world, "national")
    officer.post(f"/tracing/enquiries/{enquiry.pk}/resolve/", {"note": ""})
    enquiry.refresh_from_db()
    assert enquiry.status == "open"
    officer.post(f"/tracing/enquiries/{enquiry.pk}/resolve/", {"note": "called both, met"})
    enquiry.refresh_from_db()
    assert enquiry.status == "resolved" and enquiry.resolution == "called both, met"
    assert enquiry.resolved_by == world.users["national"]
    assert (
        f"/tracing/enquiries/{enquiry.pk}/"
        not in officer.get("/tracing/enquiries/").content.decode()
    )
    assert AuditEvent.objects.filter(action="change", object_type="enquiry").count() == 1


def test_other_roles_cannot_read_enquiries(world: World) -> None:
    enquiry = _enquiry(world)
    for who in ("registrar_a", "regional", "manager", "auditor"):
        client = client_for(world, who)
        assert client.get("/tracing/enquiries/").status_code == 403
        assert client.get(f"/tracing/enquiries/{enquiry.pk}/").status_code == 403
        client.post(f"/tracing/enquiries/{enquiry.pk}/resolve/", {"note": "x"})
    enquiry.refresh_from_db()
    assert enquiry.status == "open"
    assert client_for(world, "anonymous").get("/tracing/enquiries/").status_code == 302
