"""Person search: any script, form, diminutive or slip; phone and document; in scope only."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from django.test import Client
from tests.pages import forms_on

from refuge.audit.models import AuditEvent
from refuge.desks.tests.world import MSK, World
from refuge.geo.models import Settlement
from refuge.registry.actions import MemberData, Registration, do_register_households
from refuge.registry.models import Household, ReceptionPoint


def _register(point: ReceptionPoint, phone: str, *members: MemberData) -> Household:
    now = datetime.now(MSK) - timedelta(hours=2)
    (household,) = do_register_households(
        operation=point.operation,
        registrations=[
            Registration(
                reception_point=point,
                origin=Settlement.objects.order_by("pk").first(),
                left_at=now - timedelta(hours=5),
                mode="organised",
                registered_at=now,
                destination="relatives",
                phone=phone,
                members=list(members),
                idempotency_key=uuid.uuid4(),
            )
        ],
    )
    return household


@pytest.fixture
def tarasovs(world: World) -> Household:
    """A household of three at point A: a mother, her son Александр, her mother."""
    return _register(
        world.point_a,
        "+7 (912) 345-67-89",
        MemberData(
            "Ольга", "Тарасова", "Ивановна", "F", 1979, 3, 14, document_number="3804 512377"
        ),
        MemberData("Александр", "Тарасов", "Петрович", "M", 2008, 6, 1),
        MemberData("Ольга", "Тарасова", "Сергеевна", "F", 1948, 3, 14),
    )


def _search(world: World, who: str, **typed: str) -> tuple[int, str]:
    client = Client()
    client.force_login(world.users[who])
    page = client.get("/desk/search/")
    (form,) = [f for f in forms_on(page.content) if f.method == "post" and not f.action]
    response = client.post("/desk/search/", form.data(**typed))
    return response.status_code, response.content.decode()


@pytest.mark.parametrize(
    "typed",
    [
        {"family_name": "Тарасова"},
        {"family_name": "Tarasova"},  # Latin letters
        {"family_name": "тарасова"},
        {"family_name": "Тарасва"},  # one letter left out
        {"family_name": "Тарасов", "given_name": "Олга"},  # masculine form, a slip in the given
        {"family_name": "Tarasova Olha"},  # both in one box, Ukrainian transliteration
    ],
)
def test_a_registrar_finds_a_woman_however_her_name_is_typed(
    world: World, tarasovs: Household, typed: dict[str, str]
) -> None:
    status, page = _search(world, "registrar_a", **typed)
    assert status == 200
    assert "Тарасова Ольга Ивановна" in page
    assert f"/desk/households/{tarasovs.pk}/" in page


def test_a_diminutive_finds_the_full_name_and_ranks_the_exact_spelling_first(
    world: World, tarasovs: Household
) -> None:
    _, page = _search(world, "tracing", family_name="Тарасов", given_name="Саша")
    assert "Тарасов Александр Петрович" in page
    assert "Ольга" not in page  # Саша is not Ольга
    _, page = _search(world, "tracing", family_name="Тарасова", given_name="Ольга")
    assert page.index("Тарасова Ольга Ивановна") > 0
    assert "Тарасов Александр" not in page


@pytest.mark.parametrize("phone", ["89123456789", "+7 912 345 67 89", "67-89", "4567 89"])
def test_the_phone_finds_the_household_in_any_formatting(
    world: World, tarasovs: Household, phone: str
) -> None:
    _, page = _search(world, "registrar_a", phone=phone)
    assert "3 people found" in page
    assert "Тарасов Александр Петрович" in page


def test_the_document_number_finds_its_holder_however_it_is_spaced(
    world: World, tarasovs: Household
) -> None:
    _, page = _search(world, "national", document="3804-512377")
    assert "1 person found" in page and "Тарасова Ольга Ивановна" in page


def test_another_points_registrar_finds_nobody_and_the_search_is_audited(
    world: World, tarasovs: Household
) -> None:
    status, page = _search(world, "registrar_b", family_name="Tarasova", phone="6789")
    assert status == 200 and "Nobody found." in page and "Тарасов" not in page
    event = AuditEvent.objects.filter(action="search").latest("pk")
    assert event.summary == "search by name, phone: 0 found"
    assert "Tarasova" not in event.summary and "6789" not in event.summary


def test_a_shelter_manager_searches_only_the_households_of_their_shelters(
    world: World, tarasovs: Household
) -> None:
    _, page = _search(world, "manager", family_name="Ivanova")
    assert "2 people found" in page  # household A, places reserved in the manager's shelter
    _, page = _search(world, "manager", family_name="Тарасова")
    assert "Nobody found." in page  # registered, but bound for relatives


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({}, "Type a family name, a phone number or a document number."),
        ({"given_name": "Ольга"}, "Type the family name too."),
        ({"phone": "12-3"}, "Type at least four digits of the phone number."),
    ],
)
def test_a_search_with_too_little_says_what_to_type(
    world: World, typed: dict[str, str], message: str
) -> None:
    status, page = _search(world, "registrar_a", **typed)
    assert status == 422 and message in page
    assert not AuditEvent.objects.filter(action="search").exists()
