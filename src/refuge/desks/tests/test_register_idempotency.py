"""One registration page, one household: what a repeated submission is answered
(docs/IDEMPOTENCY.md lists the cases; each has its test here or in
tests/test_concurrency_register.py)."""

from __future__ import annotations

import re

from django.test import Client

from refuge.audit.models import AuditEvent
from refuge.desks.tests.helpers import registration_post
from refuge.desks.tests.world import World
from refuge.movements.models import Movement
from refuge.registry.models import Household, Person


def _client(world: World, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


FAMILY = [
    {"family_name": "Соколова", "given_name": "Лидия", "birth_date": "14.03.1948", "sex": "F"},
    {"family_name": "Соколов", "given_name": "Пётр", "birth_date": "1949", "sex": "M"},
]


def test_a_repeated_submit_after_success_reserves_and_audits_once(world: World) -> None:
    registrar = _client(world, "registrar_a")
    data = registration_post(FAMILY, destination="shelter")
    first = registrar.post("/desk/register/", data)
    second = registrar.post("/desk/register/", data)
    household = Household.objects.get(idempotency_key=data["idempotency_key"])
    assert first["Location"] == second["Location"] == f"/desk/households/{household.pk}/"
    assert Movement.objects.filter(household=household, kind="assigned").count() == 2
    assert AuditEvent.objects.filter(action="create", object_id=str(household.pk)).count() == 1


def test_a_key_used_at_another_point_saves_nothing_and_shows_nothing_of_that_household(
    world: World,
) -> None:
    """Issue 13: it was answered "Household registered" with the other point's id."""
    taken = world.household_b.idempotency_key  # registered at point B
    before = (Household.objects.count(), Person.objects.count())
    data = registration_post(FAMILY, key=taken, destination="shelter")
    response = _client(world, "registrar_a").post("/desk/register/", data, follow=True)
    html = response.content.decode()
    assert response.status_code == 409 and response.redirect_chain == []
    assert "Nothing was saved" in html and "Household registered" not in html
    assert f"/desk/households/{world.household_b.pk}/" not in html
    fresh = re.search(r'name="idempotency_key" value="([0-9a-f-]+)"', html)
    assert fresh and fresh.group(1) != str(taken)
    assert (Household.objects.count(), Person.objects.count()) == before
    # The page's fresh key then registers the family, at the registrar's own point.
    data["idempotency_key"] = fresh.group(1)
    data["confirm"] = "1"
    saved = _client(world, "registrar_a").post("/desk/register/", data)
    assert saved.status_code == 302
    assert Household.objects.get(idempotency_key=fresh.group(1)).reception_point == world.point_a


def test_an_edited_form_sent_again_with_its_old_key_says_the_edit_was_not_saved(
    world: World,
) -> None:
    registrar = _client(world, "registrar_a")
    data = registration_post(FAMILY, destination="shelter")
    first = registrar.post("/desk/register/", data)
    data["m-1-given_name"] = "Павел"  # back in the browser, a correction, sent again
    again = registrar.post("/desk/register/", data, follow=True)
    assert again.redirect_chain[-1][0] == first["Location"]
    assert "changes made since were not saved" in again.content.decode()
    assert not Person.objects.filter(given_name="Павел").exists()
    assert Household.objects.filter(idempotency_key=data["idempotency_key"]).count() == 1


def test_the_same_form_sent_again_unchanged_says_nothing_of_edits(world: World) -> None:
    registrar = _client(world, "registrar_a")
    data = registration_post(FAMILY, destination="shelter")
    registrar.post("/desk/register/", data)
    again = registrar.post("/desk/register/", data, follow=True)
    assert "not saved" not in again.content.decode()


def test_a_key_from_another_point_is_not_taken_as_a_repeat_by_the_lookup(world: World) -> None:
    """Point B's registrar sends point A's key: the answer is the same as at point A."""
    data = registration_post(FAMILY, key=world.household_a.idempotency_key)
    data.update(destination_region=str(world.shelter_a.region_id), destination_address="Ленина 1")
    response = _client(world, "registrar_b").post("/desk/register/", data)
    assert response.status_code == 409
    assert f"/desk/households/{world.household_a.pk}/" not in response.content.decode()
