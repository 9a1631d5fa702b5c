"""A registrar registers a family of four, the shelter manager checks them in, and the
coordinator's figures move by exactly four."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from refuge.accounts.actions import do_create_account
from refuge.accounts.models import Role
from refuge.desks.tests.world import PASSWORD, build_world
from refuge.movements.models import Movement
from refuge.registry.models import Household
from refuge.shelters.models import Shelter
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

FAMILY = [
    ("Bondarenko", "Oksana", "1979-04-12", True),
    ("Bondarenko", "Mykola", "1975", False),
    ("Bondarenko", "Daryna", "2010-09", False),
    ("Bondarenko", "Ivan", "2016-01-30", False),
]


def _sign_in(browser, live_server, username: str):  # type: ignore[no-untyped-def]
    return sign_in(browser, live_server, username, PASSWORD, width=360)


def _occupants(page, live_server, region_name: str) -> int:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/")
    row = page.locator("tr").filter(has=page.get_by_role("rowheader", name=region_name, exact=True))
    return int(row.locator("td").nth(1).inner_text().replace(",", "").replace("\u202f", ""))


def _shelter_occupancy(page, live_server, shelter: Shelter) -> int:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/desk/shelters/")
    return int(page.locator(f"td[data-occupancy='{shelter.pk}']").inner_text())


@pytest.mark.django_db(transaction=True)
def test_register_four_with_a_wheelchair_user_check_in_and_the_report_moves_by_four(
    live_server, browser, shots
) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    coordinator = _sign_in(browser, live_server, "national")
    region = world.shelter_a.region.name_en
    occupants_before = _occupants(coordinator, live_server, region)
    shots(coordinator, "report-before")

    registrar = _sign_in(browser, live_server, "registrar_a")
    registrar.goto(f"{live_server.url}/desk/register/")
    for i, (family, given, born, wheelchair) in enumerate(FAMILY):
        if i:  # one row to start; the page's script adds the next one here
            registrar.get_by_role("button", name="Add a person").click()
        registrar.locator(f"#id_m-{i}-family_name").fill(family)
        registrar.locator(f"#id_m-{i}-given_name").fill(given)
        registrar.locator(f"#id_m-{i}-birth_date").fill(born)
        if wheelchair:
            registrar.locator(f"#id_m-{i}-wheelchair").check()
    origin = world.household_a.origin
    registrar.locator("#id_origin").fill(f"{origin.name_en} ({origin.district.name_en})")
    registrar.get_by_label("a temporary shelter").check()
    registrar.get_by_label("in an organised group").check()
    shots(registrar, "registration-filled")
    # Nobody like them is registered yet, so one submit saves them and reserves places.
    registrar.get_by_role("button", name="Register", exact=True).click()
    registrar.wait_for_url(re.compile(r"/desk/households/\d+/$"))
    assert "Bondarenko" not in registrar.url
    shots(registrar, "registered")

    household = Household.objects.get(members__given_name="Oksana")
    assert household.members.count() == 4
    assert household.members.filter(needs_wheelchair=True).count() == 1
    assigned = (
        Shelter.objects.filter(movements__household=household, movements__kind="assigned")
        .distinct()
        .get()
    )
    assert assigned.wheelchair_access
    # Where to send the family, at the top of the page the registrar lands on.
    assert assigned.name in registrar.locator("#household-shelter").inner_text()
    do_create_account(
        username="manager_here",
        password=PASSWORD,
        operation=world.operation,
        role=Role.SHELTER_MANAGER,
        shelters=[assigned],
    )
    occupancy_before = _shelter_occupancy(coordinator, live_server, assigned)
    occupants_before = _occupants(coordinator, live_server, assigned.region.name_en)

    manager = _sign_in(browser, live_server, "manager_here")
    manager.goto(f"{live_server.url}/desk/shelters/{assigned.pk}/")
    shots(manager, "shelter-expected")
    manager.get_by_role("button", name="Check in 4").click()
    manager.get_by_text("Checked in.").wait_for()
    shots(manager, "shelter-checked-in")

    assert _shelter_occupancy(coordinator, live_server, assigned) == occupancy_before + 4
    shots(coordinator, "shelters-after")
    assert _occupants(coordinator, live_server, assigned.region.name_en) == occupants_before + 4
    shots(coordinator, "report-after")
    assert region  # the oblast row was on the report from the start


class Counted:
    """A registrar's hands on the page: every character typed, key pressed and click counted."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.page, self.keystrokes, self.clicks = page, 0, 0

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.keystrokes += len(text)

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
        self.keystrokes += times

    def click(self, locator) -> None:  # type: ignore[no-untyped-def]
        locator.click()
        self.clicks += 1


@pytest.mark.django_db(transaction=True)
def test_a_family_of_three_with_a_wheelchair_user_in_few_keystrokes_and_clicks(
    live_server, browser, shots
) -> None:  # type: ignore[no-untyped-def]
    """Issue 15: as fast as paper. Family name once, carried in each person's form."""
    build_world()
    page = _sign_in(browser, live_server, "registrar_a")
    page.set_default_timeout(120_000)  # the first check loads the linkage model: slow on CI
    page.goto(f"{live_server.url}/desk/register/")
    hands = Counted(page)
    add_person = page.get_by_role("button", name="Add a person")
    # Person 1: the page starts in the family name field.
    hands.type("Иванов")
    hands.press("Tab")
    hands.type("Пётр")
    hands.press("Tab", 3)  # patronymic, sex, birth date
    hands.type("14.03.1948")
    hands.click(page.locator("#id_m-0-wheelchair"))
    # Person 2: a new row, focused on the given name, the family name carried over.
    hands.click(add_person)
    hands.type("Мария")
    hands.press("Tab", 2)
    hands.type("f")  # female: the carried Иванов becomes Иванова
    hands.press("Tab")
    hands.type("1950")
    assert page.locator("#id_m-1-family_name").input_value() == "Иванова"
    # Person 3.
    hands.click(add_person)
    hands.type("Оля")
    hands.press("Tab", 2)
    hands.type("f")
    hands.press("Tab")
    hands.type("2015")
    assert page.locator("#id_m-2-family_name").input_value() == "Иванова"
    hands.click(page.locator("#id_origin"))
    hands.type("Суджа")
    hands.click(page.get_by_label("on their own"))
    shots(page, "family-of-three-360")
    with page.expect_navigation():  # a click does not wait for the page it asks for
        hands.click(page.get_by_role("button", name="Register", exact=True))
    shots(page, "registered-360")
    assert re.search(r"/desk/households/\d+/$", page.url), page.locator("main").inner_text()
    print(f"family of three: {hands.keystrokes} keystrokes, {hands.clicks} clicks")
    assert hands.keystrokes <= 60 and hands.clicks <= 10

    household = Household.objects.get(members__given_name="Оля")
    people = {p.given_name: p for p in household.members.all()}
    assert {n: p.family_name for n, p in people.items()} == {
        "Пётр": "Иванов", "Мария": "Иванова", "Оля": "Иванова"
    }  # fmt: skip
    assert (people["Пётр"].birth_year, people["Пётр"].birth_month, people["Пётр"].birth_day) == (
        1948, 3, 14,
    )  # fmt: skip
    assert people["Пётр"].needs_wheelchair and not people["Мария"].needs_wheelchair
    assert Movement.objects.filter(household=household, kind="left_home", mode="own").count() == 3
    assigned = Shelter.objects.filter(movements__household=household).distinct().get()
    assert assigned.wheelchair_access


@pytest.mark.django_db(transaction=True)
def test_the_duplicate_warning_on_a_phone_and_a_desktop_in_russian(
    live_server, browser, shots
) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    for width in (360, 1280):
        page = sign_in(browser, live_server, "registrar_a", PASSWORD, width=width)
        page.set_default_timeout(120_000)
        page.context.add_cookies(
            [{"name": "django_language", "value": "ru", "url": live_server.url}]
        )
        page.goto(f"{live_server.url}/desk/register/")
        shots(page, f"empty-ru-{width}")
        page.locator("#id_m-0-family_name").fill("Иванова")
        page.locator("#id_m-0-given_name").fill("Anna0")
        page.locator("#id_m-0-birth_date").fill("1980")
        page.get_by_role("button", name="Добавить человека").click()
        page.locator("#id_m-1-given_name").fill("Мария")
        page.locator("#id_m-1-sex").select_option("F")
        origin = world.household_a.origin
        page.locator("#id_origin").fill(f"{origin.name_ru} ({origin.district.name_ru})")
        page.get_by_label("самостоятельно").check()
        page.get_by_role("button", name="Зарегистрировать", exact=True).click()
        warning = page.locator("#possible-duplicates")
        warning.wait_for()
        assert "ПВР «Shelter A»" in warning.inner_text()
        box = warning.bounding_box()
        assert box and box["y"] < 400  # first on the page, not under 3,000 pixels of form
        assert box["x"] + box["width"] <= width  # no sideways scrolling on a phone
        shots(page, f"warning-ru-{width}")
        page.context.close()


@pytest.mark.django_db(transaction=True)
def test_a_shelter_manager_checks_a_family_in_on_a_phone_in_russian(
    live_server, browser, shots
) -> None:  # type: ignore[no-untyped-def]
    """The walk found "Заселить" past the right edge of a 360 px screen: each expected
    household is now a card with its button in reach, and the page never scrolls sideways."""
    world = build_world()
    page = _sign_in(browser, live_server, "manager")
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": live_server.url}])
    page.goto(f"{live_server.url}/desk/shelters/{world.shelter_a.pk}/")
    n = world.household_a.members.count()
    button = page.get_by_role("button", name=f"Заселить ({n})")
    box = button.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    label = page.locator("table.residents td[data-label]").first.evaluate(
        "td => getComputedStyle(td, '::before').content"
    )
    assert label == '"Члены семьи: "'  # each cell says what it is, the header row hidden
    shots(page, "shelter-expected-ru-360")
    button.click()
    expect(button).to_have_count(0)  # "Inside" is on the page before the click too
    assert (
        Movement.objects.filter(household=world.household_a, kind=Movement.Kind.CHECKED_IN).count()
        == n
    )
    shots(page, "shelter-inside-ru-360")
