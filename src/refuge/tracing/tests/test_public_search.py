"""The public family search: no sign-in, POST only, consent respected, rate-limited, audited."""

from __future__ import annotations

import re

from django.test import Client

from refuge.audit.models import AuditEvent
from refuge.desks.tests.world import World
from refuge.registry.actions import MemberData
from refuge.tracing.models import Enquiry
from refuge.tracing.tests.conftest import register_people

FOUND = "registered safe"
RECORDED = "Your enquiry is recorded"


def _search(client: Client, **fields: str):  # type: ignore[no-untyped-def]
    data = {
        "family_name": "Ivanova", "given_name": "Tetiana", "birth_year": "1952",
        "enquirer_name": "Olena Ivanenko", "enquirer_contact": "+380 50 123 45 67",
        "message": "her daughter",
    }  # fmt: skip
    data.update(fields)
    return client.post("/tracing/find/", data, REMOTE_ADDR=fields.pop("ip", "203.0.113.7"))


def _without_token(html: str) -> str:
    """The page less what differs between any two requests: CSRF token, reference, print time."""
    html = re.sub(r'id="reference">[^<]+<', "", html)
    html = re.sub(r'class="print-only print-header">[^<]+<', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _register(world: World, consents: bool) -> None:
    register_people(
        world,
        MemberData(
            given_name="Татьяна",
            family_name="Иванова",
            birth_year=1952,
            consents_to_be_found=consents,
        ),  # fmt: skip
    )


def test_a_consented_match_is_answered_registered_safe_and_nothing_says_where(
    world: World,
) -> None:
    _register(world, consents=True)
    response = _search(Client())
    html = response.content.decode()
    assert response.status_code == 200 and FOUND in html
    for secret in ("Shelter A", "Point A", "Суджа", "+7 900", "household"):
        assert secret not in html
    enquiry = Enquiry.objects.get()
    assert enquiry.told_found and enquiry.enquirer_contact == "+380 50 123 45 67"


def test_a_match_who_did_not_consent_is_answered_like_nobody(world: World) -> None:
    _register(world, consents=False)
    not_consented = _search(Client()).content.decode()
    nobody = _search(Client(), family_name="Kovalenko", given_name="Oksana").content.decode()
    assert RECORDED in not_consented and FOUND not in not_consented
    assert _without_token(not_consented) == _without_token(nobody)
    assert Enquiry.objects.count() == 2 and not Enquiry.objects.filter(told_found=True).exists()


def test_the_search_is_post_only_and_the_name_is_neither_in_the_url_nor_the_audit(
    world: World,
) -> None:
    _register(world, consents=True)
    client = Client()
    page = client.get("/tracing/find/?family_name=Ivanova")
    assert 'value="Ivanova"' not in page.content.decode()  # a GET never searches
    assert not AuditEvent.objects.filter(object_type="public_search").exists()
    _search(client)
    event = AuditEvent.objects.get(action="search", object_type="public_search")
    assert event.user is None and event.ip == "203.0.113.7"
    assert "Ivanova" not in event.summary and "Tetiana" not in event.summary
    assert event.object_id == str(Enquiry.objects.get().pk)


def test_a_query_matching_many_people_is_refused_and_asks_for_more(world: World) -> None:
    for i in range(6):
        register_people(world, MemberData(given_name="Анна", family_name="Иванова",
                                          birth_year=1950 + i))  # fmt: skip
    response = _search(Client(), given_name="Anna", birth_year="")
    assert "Please add more detail" in response.content.decode()
    assert not Enquiry.objects.exists()
    assert AuditEvent.objects.get(object_type="public_search").summary == "too vague"


def test_both_names_are_required(world: World) -> None:
    response = _search(Client(), given_name="")
    assert response.status_code == 422
    assert not Enquiry.objects.exists()


def test_ten_searches_per_ten_minutes_per_address(world: World) -> None:
    client = Client()
    for _ in range(10):
        assert _search(client, family_name="Kovalenko").status_code == 200
    eleventh = _search(client, family_name="Kovalenko")
    assert eleventh.status_code == 429 and "ten minutes" in eleventh.content.decode()
    assert Enquiry.objects.count() == 10
    assert AuditEvent.objects.filter(action="denied", object_type="public_search").count() == 1
    assert _search(client, family_name="Kovalenko", ip="198.51.100.9").status_code == 200
