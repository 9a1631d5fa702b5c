"""The registration form as a registrar fills it: one row to start, blank rows skipped,
dates written the local way, and no answer chosen for them."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.test import Client
from tests.pages import PageForm, form_to

from refuge.desks.forms import parse_birth_date
from refuge.desks.tests.world import World
from refuge.movements.models import Movement
from refuge.registry.models import Household, Person


@pytest.fixture
def registrar(world: World) -> Client:
    client = Client()
    client.force_login(world.users["registrar_a"])
    return client


def _register_form(html: str) -> PageForm:
    return next(f for f in form_to(html, "") if "m-TOTAL_FORMS" in dict(f.fields))


def _household_typed(world: World) -> dict[str, str]:
    origin = world.household_a.origin
    return {
        "origin": f"{origin.name_ru} ({origin.district.name_ru})",
        "mode": "own",
        "destination": "relatives",
        "destination_region": str(world.shelter_a.region_id),
        "destination_address": "ул. Ленина, 1",
    }


def _after_more_rows(registrar: Client, world: World, times: int, **typed: str) -> str:
    """The page after pressing the server-side "Add a person" `times` times (no script)."""
    html = registrar.get("/desk/register/").content.decode()
    for _ in range(times):
        data = _register_form(html).data("more", **typed)
        html = registrar.post("/desk/register/", data).content.decode()
    return html


def test_the_form_starts_with_one_row_and_no_answer_for_how_they_left(registrar: Client) -> None:
    html = registrar.get("/desk/register/").content.decode()
    form = _register_form(html)
    assert form.value("m-TOTAL_FORMS") == "1"
    assert "m-0-family_name" in dict(form.fields) and "m-1-family_name" not in dict(form.fields)
    assert "mode" not in dict(form.fields)  # no radio checked: the registrar must choose
    assert dict(form.fields)["destination"] == "shelter"


def test_a_household_of_one_is_registered_with_the_blank_rows_the_page_added(
    world: World, registrar: Client
) -> None:
    html = _after_more_rows(registrar, world, 3)
    form = _register_form(html)
    assert form.value("m-TOTAL_FORMS") == "4"
    assert 'role="alert"' not in html  # adding a row calls nothing unfilled an error
    typed = {"m-0-family_name": "Орлова", "m-0-given_name": "Вера", "m-0-birth_date": "14.03.1948"}
    response = registrar.post(
        "/desk/register/", form.data("register", **typed, **_household_typed(world))
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    household = Household.objects.get(idempotency_key=form.value("idempotency_key"))
    (vera,) = household.members.all()
    assert (vera.given_name, vera.birth_year, vera.birth_month, vera.birth_day) == (
        "Вера",
        1948,
        3,
        14,
    )


def test_a_blank_row_between_people_is_skipped_and_a_carried_family_name_alone_is_blank(
    world: World, registrar: Client
) -> None:
    form = _register_form(_after_more_rows(registrar, world, 2))
    typed = {
        "m-0-family_name": "Бондаренко", "m-0-given_name": "Оксана", "m-0-birth_date": "04.1979",
        "m-1-family_name": "Бондаренко", "m-1-sex": "M",  # carried over, nothing typed
        "m-2-family_name": "Бондаренко", "m-2-given_name": "Иван", "m-2-birth_date": "2016",
    }  # fmt: skip
    response = registrar.post(
        "/desk/register/", form.data("register", **typed, **_household_typed(world))
    )
    assert response.status_code == 302
    names = Person.objects.filter(family_name="Бондаренко").values_list("given_name", flat=True)
    assert sorted(names) == ["Иван", "Оксана"]


def test_without_how_they_left_the_form_says_so_and_saves_nothing(
    world: World, registrar: Client
) -> None:
    form = _register_form(registrar.get("/desk/register/").content.decode())
    household = _household_typed(world)
    del household["mode"]
    typed = {"m-0-family_name": "Орлова", "m-0-given_name": "Вера"}
    response = registrar.post(
        "/desk/register/", form.data("register", **typed, **household), HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 422
    error = re.search(r'id="id_mode-error"[^>]*>([^<]+)<', response.content.decode())
    assert error and "как выехали" in error.group(1)
    assert not Person.objects.filter(family_name="Орлова").exists()
    assert not Movement.objects.filter(mode="organised", person__family_name="Орлова").exists()


def test_an_impossible_date_names_the_row_in_the_users_language(
    world: World, registrar: Client
) -> None:
    form = _register_form(_after_more_rows(registrar, world, 1))
    typed = {
        "m-0-family_name": "Орлова", "m-0-given_name": "Вера", "m-0-birth_date": "14.03.1948",
        "m-1-family_name": "Орлов", "m-1-given_name": "Илья", "m-1-birth_date": "31.02.1980",
    }  # fmt: skip
    response = registrar.post(
        "/desk/register/",
        form.data("register", **typed, **_household_typed(world)),
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 422
    html = response.content.decode()
    error = re.search(r'id="id_m-1-birth_date-error"[^>]*>([^<]+)<', html)
    assert error and error.group(1) == "Человек 2: такой даты нет — 31.02.1980."
    assert 'placeholder="ДД.ММ.ГГГГ"' in html
    assert not Person.objects.filter(family_name__startswith="Орлов").exists()


@pytest.mark.parametrize(
    ("typed", "parts"),
    [("14.03.1948", (1948, 3, 14)), ("4.7.1948", (1948, 7, 4)), ("03.1948", (1948, 3, None)),
     ("3.1948", (1948, 3, None)), ("1948", (1948, None, None)), ("1948-03-14", (1948, 3, 14)),
     ("1948-03", (1948, 3, None)), (" 29.02.2000 ", (2000, 2, 29)), ("", (None, None, None))],
)  # fmt: skip
def test_birth_dates_as_people_write_them(typed: str, parts: tuple[int | None, ...]) -> None:
    assert parse_birth_date(typed) == parts


@pytest.mark.parametrize(
    ("typed", "says"),
    [("31.02.1980", "no such date"), ("29.02.1981", "no such date"), ("13.1980", "no such date"),
     ("14/03/1948", "DD.MM.YYYY"), ("48", "DD.MM.YYYY"), ("14.03.48", "DD.MM.YYYY"),
     ("1850", "out of range"), ("01.01.2999", "out of range")],
)  # fmt: skip
def test_birth_dates_refused_with_the_reason(typed: str, says: str) -> None:
    with pytest.raises(forms.ValidationError) as refused:
        parse_birth_date(typed, row=3)
    message = refused.value.messages[0]
    assert says in message and message.startswith("Person 3:")


@pytest.mark.parametrize("total", ["abc", "99999999999999999999", "-3", "", "31"])
def test_a_damaged_row_count_is_answered_with_the_form_not_an_error_page(
    world: World, registrar: Client, total: str
) -> None:
    form = _register_form(registrar.get("/desk/register/").content.decode())
    typed = {"m-0-family_name": "Орлова", "m-0-given_name": "Вера", "m-TOTAL_FORMS": total}
    response = registrar.post(
        "/desk/register/", form.data("register", **typed, **_household_typed(world))
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "came back damaged" in html
    assert 'value="Вера"' in html  # what was typed is still there
    assert not Person.objects.filter(family_name="Орлова").exists()


def test_an_identity_document_is_kept_per_person_and_its_kind_is_asked_for(
    world: World, registrar: Client
) -> None:
    form = _register_form(_after_more_rows(registrar, world, 1))
    typed = {
        "m-0-family_name": "Орлова", "m-0-given_name": "Вера", "m-0-document_number": "38 04 123456",
        "m-1-family_name": "Орлов", "m-1-given_name": "Илья", "m-1-document_number": "III-ЖТ 654321",
        "m-1-document_type": "birth_cert",
    }  # fmt: skip
    refused = registrar.post(
        "/desk/register/", form.data("register", **typed, **_household_typed(world))
    )
    assert refused.status_code == 422
    error = re.search(r'id="id_m-0-document_type-error"[^>]*>([^<]+)<', refused.content.decode())
    assert error and "kind of document" in error.group(1)
    typed["m-0-document_type"] = "passport"
    saved = registrar.post(
        "/desk/register/", form.data("register", **typed, **_household_typed(world))
    )
    assert saved.status_code == 302
    vera = Person.objects.get(given_name="Вера")
    assert (vera.document_type, vera.document_number, vera.document_key) == (
        "passport", "38 04 123456", "3804123456",
    )  # fmt: skip
    assert Person.objects.get(given_name="Илья").document_type == "birth_cert"
