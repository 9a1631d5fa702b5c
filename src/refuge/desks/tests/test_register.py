from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client

from refuge.audit.models import AuditEvent
from refuge.desks.tests.helpers import registration_post
from refuge.desks.tests.world import World
from refuge.geo.models import Region
from refuge.movements.models import Movement
from refuge.registry.models import Household, Person


@pytest.fixture
def registrar(world: World) -> Client:
    client = Client()
    client.force_login(world.users["registrar_a"])
    return client


def _to_relatives(world: World, **extra: str) -> dict[str, str]:
    region = Region.objects.get(code="RU-MOW")
    return {"destination_region": str(region.pk), "destination_address": "Lenina 1", **extra}


def _counts() -> tuple[int, int]:
    return Household.objects.count(), Person.objects.count()


def _error_next_to(html: str, field_id: str) -> str:
    m = re.search(rf'id="{field_id}-error"[^>]*>([^<]+)<', html)
    assert m, f"no error message next to {field_id}"
    return m.group(1)


def test_the_form_renders_with_labelled_inputs_and_a_fresh_key(registrar: Client) -> None:
    page = registrar.get("/desk/register/").content.decode()
    for field in ("id_m-0-family_name", "id_m-0-birth_date", "id_origin", "id_phone"):
        assert f'for="{field}"' in page
    keys = re.findall(r'name="idempotency_key" value="([0-9a-f-]+)"', page)
    assert len(keys) == 1
    again = registrar.get("/desk/register/").content.decode()
    assert keys[0] not in again


def test_a_bad_birth_date_is_explained_next_to_the_field_and_nothing_is_saved(
    world: World, registrar: Client
) -> None:
    before = _counts()
    data = registration_post(
        [
            {"family_name": "Orlova", "given_name": "Vera", "birth_date": "1980-13"},
            {"family_name": "Orlov", "given_name": "", "birth_date": "2001"},
        ],
        **_to_relatives(world),
    )
    data["confirm"] = "1"
    response = registrar.post("/desk/register/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "no such date" in _error_next_to(html, "id_m-0-birth_date")
    assert "required" in _error_next_to(html, "id_m-1-given_name")
    assert _counts() == before


def test_errors_come_in_the_users_language(world: World, registrar: Client) -> None:
    data = registration_post(
        [{"family_name": "Orlova", "given_name": "Vera", "birth_date": "80"}],
        **_to_relatives(world),
    )
    response = registrar.post("/desk/register/", data, HTTP_ACCEPT_LANGUAGE="ru")
    assert "ГГГГ" in _error_next_to(response.content.decode(), "id_m-0-birth_date")


def test_an_unknown_settlement_and_a_missing_address_are_refused(
    world: World, registrar: Client
) -> None:
    before = _counts()
    data = registration_post(
        [{"family_name": "Orlova", "given_name": "Vera", "birth_date": "1980"}],
        origin="Atlantis",
        destination_region=str(Region.objects.get(code="RU-MOW").pk),
    )
    data["confirm"] = "1"
    html = registrar.post("/desk/register/", data).content.decode()
    assert "No settlement" in _error_next_to(html, "id_origin")
    assert "address" in _error_next_to(html, "id_destination_address")
    assert _counts() == before


def test_possible_duplicates_are_shown_before_saving(world: World, registrar: Client) -> None:
    # Household A holds Ivanova Anna0, born 1980.
    data = registration_post(
        [{"family_name": "IVANOVA", "given_name": "anna0", "birth_date": "1980-05-02"}],
        **_to_relatives(world),
    )
    before = _counts()
    html = registrar.post("/desk/register/", data).content.decode()
    assert "They may be registered already" in html
    assert f"/desk/households/{world.household_a.pk}/" in html
    assert _counts() == before  # the first submit only checks


def test_confirming_registers_once_even_when_submitted_twice(
    world: World, registrar: Client
) -> None:
    key = uuid.uuid4()
    data = registration_post(
        [
            {"family_name": "Orlova", "given_name": "Vera", "birth_date": "1980-02-29"},
            {"family_name": "Orlov", "given_name": "Ilya", "birth_date": "2015-06", "sex": "M"},
        ],
        key=key,
        **_to_relatives(world),
    )
    data["confirm"] = "1"
    first = registrar.post("/desk/register/", data)
    second = registrar.post("/desk/register/", data)
    household = Household.objects.get(idempotency_key=key)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/desk/households/{household.pk}/"
    assert household.members.count() == 2
    assert household.reception_point == world.point_a
    assert AuditEvent.objects.filter(action="create", object_id=str(household.pk)).count() == 1
    ilya = household.members.get(given_name="Ilya")
    assert (ilya.birth_year, ilya.birth_month, ilya.birth_day) == (2015, 6, None)


def test_one_submit_saves_a_household_nobody_may_have_registered_and_a_retry_finds_it(
    world: World, registrar: Client
) -> None:
    """A retry after a timeout must not show the family as their own possible duplicate."""
    data = registration_post(
        [{"family_name": "Orlova", "given_name": "Vera", "birth_date": "1980-02-29"}],
        **_to_relatives(world),
    )
    first = registrar.post("/desk/register/", data)
    second = registrar.post("/desk/register/", data)
    household = Household.objects.get(idempotency_key=data["idempotency_key"])
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/desk/households/{household.pk}/"
    assert household.members.count() == 1


def test_a_shelter_bound_household_gets_places_reserved_atomically(
    world: World, registrar: Client
) -> None:
    data = registration_post(
        [
            {
                "family_name": "Sokolova",
                "given_name": "Lida",
                "birth_date": "1950",
                "wheelchair": "on",
            },
            {"family_name": "Sokolov", "given_name": "Petr", "birth_date": "1949"},
        ],
        destination="shelter",
    )
    response = registrar.post("/desk/register/", data)
    assert response.status_code == 302
    page = registrar.get(response["Location"]).content.decode()
    world.shelter_a.refresh_from_db()
    world.shelter_b.refresh_from_db()
    assert world.shelter_a.reserved + world.shelter_b.reserved == 2 + 2 + 2
    chosen = world.shelter_a if world.shelter_a.reserved == 4 else world.shelter_b
    shown = re.search(r'id="household-shelter"[^>]*>(.*?)</p>', page, re.S)
    assert shown and chosen.name in shown.group(1)  # where to send the family


def test_the_confirmation_keeps_the_suggested_shelter(world: World, registrar: Client) -> None:
    # Household A holds Ivanova Anna0, born 1980: a possible duplicate stops the submit.
    data = registration_post(
        [{"family_name": "IVANOVA", "given_name": "anna0", "birth_date": "1980-05-02"}],
        destination="shelter",
    )
    html = registrar.post("/desk/register/", data).content.decode()
    assert "They may be registered already" in html
    suggested = re.search(r'name="shelter" value="(\d+)"', html)
    assert suggested, "no shelter suggested"
    data["shelter"] = suggested.group(1)
    data["confirm"] = "1"
    assert registrar.post("/desk/register/", data).status_code == 302
    household = Household.objects.get(idempotency_key=data["idempotency_key"])
    assigned = Movement.objects.filter(household=household, kind="assigned")
    assert list(assigned.values_list("shelter_id", flat=True)) == [int(suggested.group(1))]


def test_the_household_page_names_each_event_once_for_the_family_in_the_users_language(
    world: World, registrar: Client
) -> None:
    data = registration_post(
        [
            {"family_name": "Sokolova", "given_name": "Lida", "birth_date": "1950"},
            {"family_name": "Sokolov", "given_name": "Petr", "birth_date": "1949"},
        ],
        destination="shelter",
    )
    page = registrar.get(registrar.post("/desk/register/", data)["Location"])
    assert page.status_code == 200
    russian = registrar.get(page.request["PATH_INFO"], HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert russian.count("места забронированы") == 1  # one line for both members
    assert "(2 человека)" in russian
    assert "assigned" not in russian
