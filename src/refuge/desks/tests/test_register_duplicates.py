"""The duplicate warning as a registrar meets it: first on the page, in plain words,
where the family went, and two ways on (the same family, or different people)."""

from __future__ import annotations

import re

from django.test import Client
from django.utils import timezone
from tests.pages import form_to

from refuge.audit.models import AuditEvent
from refuge.desks.tests.helpers import registration_post
from refuge.desks.tests.world import World
from refuge.geo.models import Region
from refuge.movements.models import Movement
from refuge.registry.models import Household, Person
from refuge.shelters.actions import do_release
from refuge.shelters.models import Shelter
from refuge.tracing.models import DuplicateCandidate

# Household A (point A, places reserved in Shelter A) holds Ivanova Anna0, born 1980.
ANNA = {"family_name": "IVANOVA", "given_name": "anna0", "birth_date": "02.05.1980", "sex": "F"}
MARIA = {"family_name": "Иванова", "given_name": "Мария", "birth_date": "12.09.2012", "sex": "F"}


def _client(world: World, username: str = "registrar_a") -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def _warning(html: str) -> str:
    found = re.search(r'<section class="confirm".*?</section>', html, re.S)
    assert found, "no warning on the page"
    return found.group(0)


def _confirmation(world: World, members: list[dict[str, str]], lang: str = "en") -> str:
    data = registration_post(members, destination="shelter")
    response = _client(world).post("/desk/register/", data, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return response.content.decode()


def test_the_warning_comes_first_with_reasons_and_where_the_family_went(world: World) -> None:
    html = _confirmation(world, [ANNA, MARIA])
    warning = _warning(html)
    assert html.index('<section class="confirm"') < html.index('id="member-1"')
    assert "Ivanova Anna0" in warning and "02.05.1980" not in warning  # registered: 1980 only
    assert "same given name" in warning and "same family name" in warning
    assert "shelter Shelter A" in warning
    assert f'name="join" value="{world.household_a.pk}"' in warning
    assert "add the 1 newcomers to it" in warning or "add the newcomer to it" in warning
    assert 'name="confirm"' in warning


def test_the_warning_speaks_russian_and_names_relatives_in_a_region(world: World) -> None:
    Household.objects.filter(pk=world.household_a.pk).update(
        destination="relatives", destination_region=Region.objects.get(code="RU-MOW")
    )
    # The family gave their shelter places back and went to relatives instead.
    do_release(household=world.household_a, shelter=world.shelter_a, at=timezone.now())
    warning = _warning(_confirmation(world, [ANNA], lang="ru"))
    assert "Возможно, они уже зарегистрированы" in warning
    assert "к родственникам, Москва" in warning
    assert "та же фамилия" in warning


def test_each_disclosure_is_audited_without_personal_data(world: World) -> None:
    _confirmation(world, [ANNA])
    anna = world.household_a.members.get(given_name="Anna0")
    event = AuditEvent.objects.get(object_type="person", object_id=str(anna.pk))
    assert event.username == "registrar_a" and event.action == "view_person"
    assert "name, birth date, household, whereabouts" in event.summary
    assert "Anna" not in event.summary and "1980" not in event.summary


def _join(world: World, members: list[dict[str, str]], username: str = "registrar_a"):  # type: ignore[no-untyped-def]
    """Register, then press "add the newcomers" on the page shown, as a browser posts it."""
    client = _client(world, username)
    data = registration_post(members, destination="shelter")
    page = client.post("/desk/register/", data).content.decode()
    (form,) = [f for f in form_to(page, "") if "m-TOTAL_FORMS" in dict(f.fields)]
    sent = form.data()
    sent["join"] = str(world.household_a.pk)
    return client, sent, client.post("/desk/register/", sent)


def test_the_same_family_takes_the_newcomers_with_their_events_places_and_audit(
    world: World,
) -> None:
    reserved = Shelter.objects.get(pk=world.shelter_a.pk).reserved
    _client_, _sent, response = _join(world, [ANNA, MARIA])
    assert response.status_code == 302
    assert response["Location"] == f"/desk/households/{world.household_a.pk}/"
    people = Person.objects.filter(household=world.household_a)
    assert sorted(people.values_list("given_name", flat=True)) == ["Anna0", "Anna1", "Мария"]
    maria = people.get(given_name="Мария")
    kinds = sorted(Movement.objects.filter(person=maria).values_list("kind", flat=True))
    assert kinds == ["assigned", "left_home", "registered"]
    assert Movement.objects.get(person=maria, kind="assigned").shelter_id == world.shelter_a.pk
    assert Shelter.objects.get(pk=world.shelter_a.pk).reserved == reserved + 1
    change = AuditEvent.objects.get(action="change", object_id=str(world.household_a.pk))
    assert "added 1 people" in change.summary
    assert not DuplicateCandidate.objects.filter(right_id=maria.pk).exists()


def test_adding_newcomers_twice_adds_them_once(world: World) -> None:
    client, sent, first = _join(world, [ANNA, MARIA])
    second = client.post("/desk/register/", sent)
    assert first.status_code == second.status_code == 302
    assert Person.objects.filter(household=world.household_a, given_name="Мария").count() == 1


def test_another_points_registrar_cannot_add_people_to_a_family_outside_their_scope(
    world: World,
) -> None:
    before = Person.objects.filter(household=world.household_a).count()
    _client_, _sent, response = _join(world, [ANNA, MARIA], username="registrar_b")
    assert response.status_code == 404
    assert Person.objects.filter(household=world.household_a).count() == before
