"""A registrar registers a family of four, the shelter manager checks them in, and the
coordinator's figures move by exactly four."""

from __future__ import annotations

import re

import pytest

from refuge.accounts.actions import do_create_account
from refuge.accounts.models import Role
from refuge.desks.tests.world import PASSWORD, build_world
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
        registrar.locator(f"#id_m-{i}-family_name").fill(family)
        registrar.locator(f"#id_m-{i}-given_name").fill(given)
        registrar.locator(f"#id_m-{i}-birth_date").fill(born)
        if wheelchair:
            registrar.locator(f"#id_m-{i}-wheelchair").check()
    origin = world.household_a.origin
    registrar.locator("#id_origin").fill(f"{origin.name_en} ({origin.district.name_en})")
    registrar.get_by_label("a temporary shelter").check()
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
