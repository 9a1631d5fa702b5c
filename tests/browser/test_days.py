"""Each role's day in the browser, in English, Russian and Ukrainian, on a phone (360 px)
and a desktop (1280 px), with axe-core run over every page visited (tests/browser/walk.py).

By default each role walks once, in one language at one width, turned so that the six
walks cover every language and width; the other five of each role are marked slow.
Screenshots and each walk's axe report: test-artifacts/<test name>/.
"""

from __future__ import annotations

import re
import threading
import uuid
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import expect

from refuge.accounts.scope import Actor
from refuge.desks.tests.world import MSK, PASSWORD, World, build_world
from refuge.geo.models import Settlement
from refuge.jobs import queue
from refuge.registry.actions import MemberData, Registration, do_register_households
from refuge.registry.models import Household
from refuge.shelters.models import Shelter
from refuge.tracing.actions import TracingQuery, do_public_search
from refuge.tracing.models import DuplicateCandidate, Enquiry
from refuge.tracing.tests.conftest import register_people
from tests.browser.registration import Member, register_household
from tests.browser.walk import every_language_and_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _waiting(world: World, family: str, given: list[str]) -> Household:
    """A household bound for a shelter with no places yet: the placement page's work."""
    now = datetime.now(MSK) - timedelta(minutes=30)
    (household,) = do_register_households(
        operation=world.operation,
        registrations=[
            Registration(
                reception_point=world.point_a,
                origin=Settlement.objects.filter(name_ru="Суджа").first(),
                left_at=now - timedelta(hours=4),
                mode="organised",
                registered_at=now,
                destination="shelter",
                members=[
                    MemberData(given_name=g, family_name=family, birth_year=1948 + 9 * i)
                    for i, g in enumerate(given)
                ],
                idempotency_key=uuid.uuid4(),
            )
        ],
    )
    return household


@pytest.fixture
def world() -> World:
    """The desks' small operation, plus a family waiting for places, a possible
    duplicate in the tracing queue and a relative's enquiry."""
    cache.clear()
    world = build_world()
    world.waiting = _waiting(world, "Коваленко", ["Галина", "Петро", "Оксана", "Дарина"])  # type: ignore[attr-defined]
    register_people(world, MemberData(
        given_name="Татьяна", family_name="Тарасова", birth_year=1952, birth_month=3, birth_day=4,
    ), point="b")  # fmt: skip
    register_people(
        world, MemberData(given_name="Tetiana", family_name="Tarasova", birth_year=1952)
    )
    call_command("tracing", "scan")
    do_public_search(
        actor=Actor(user=None, membership=None, ip="203.0.113.7"),
        query=TracingQuery(family_name="Тарасова", given_name="Татьяна", birth_year=1952),
        enquirer_name="Олена Тарасова",
        enquirer_contact="+380 50 123 45 67",
    )
    return world


def _coordinators_day(walk, world: World, username: str) -> None:  # type: ignore[no-untyped-def]
    page = walk.sign_in(username, PASSWORD)
    walk.follow(page, "/", "report")
    walk.follow(page, "/desk/shelters/", "shelters")
    walk.follow(page, "/desk/map/", "map")
    page.locator(".leaflet-container").wait_for()
    walk.see(page, "map-drawn")
    walk.follow(page, "/desk/shelters/", "shelters-again")
    walk.follow(page, f"/desk/shelters/{world.shelter_a.pk}/", "shelter")
    walk.open(page, f"/desk/regions/{world.shelter_a.region.code}/", "region")
    walk.follow(page, "/desk/households/", "households")
    walk.follow(page, "/placement/", "placement")
    page.get_by_role("button", name=walk.t("Make a plan for everyone waiting")).click()
    page.wait_for_url(re.compile(r"/placement/jobs/\d+/$"))
    walk.see(page, "plan-queued")
    # the worker beside the live server, as `refuge jobs work` would be in its own process
    worker = threading.Thread(target=queue.work, kwargs={"until_empty": True, "poll": 0.2})
    worker.start()
    worker.join(timeout=120)
    expect(page.locator("#job-percent")).to_have_text("100 %", timeout=30_000)
    walk.see(page, "plan-made")
    page.get_by_role("link", name=walk.t("Review the plan")).click()
    page.wait_for_url(re.compile(r"/placement/plans/\d+/$"))
    walk.see(page, "plan")
    walk.follow(page, "/placement/standby/", "standby")
    walk.open(page, "/placement/close/", "close-a-shelter")


@pytest.mark.parametrize(("language", "width"), every_language_and_width(0))
def test_national_coordinators_day(walk, world: World) -> None:  # type: ignore[no-untyped-def]
    _coordinators_day(walk, world, "national")


@pytest.mark.parametrize(("language", "width"), every_language_and_width(1))
def test_regional_coordinators_day(walk, world: World) -> None:  # type: ignore[no-untyped-def]
    _coordinators_day(walk, world, "regional")


EIGHT = [
    Member("Кравченко", "Микола", "02.11.1951"),
    Member("Кравченко", "Валентина", "17.05.1954", wheelchair=True),
    Member("Кравченко", "Сергій", "09.01.1978"),
    Member("Кравченко", "Ірина", "23.08.1981"),
    Member("Кравченко", "Андрій", "1999"),
    Member("Кравченко", "Юлія", "03.2004"),
    Member("Кравченко", "Максим", "30.06.2012"),
    Member("Кравченко", "Софія", "14.03.2020"),
]


# Households of two to seven, each from its own village's family, dates typed as people
# write them: the desk must take every size, not only the one and the eight.
FAMILIES = [
    [Member("Бондаренко", "Олег", "12.02.1970"), Member("Бондаренко", "Лідія", "1972")],
    [
        Member("Ткаченко", "Василь", "05.1944"),
        Member("Ткаченко", "Ніна", "21.10.1946", wheelchair=True),
        Member("Ткаченко", "Роман", "1990"),
    ],
    [
        Member("Шевчук", "Ігор", "1.4.1983"),
        Member("Шевчук", "Алла", "19.12.1985"),
        Member("Шевчук", "Денис", "2010"),
        Member("Шевчук", "Злата", "07.07.2015"),
    ],
    [
        Member("Лисенко", "Петро", "30.01.1961"),
        Member("Лисенко", "Раїса", "1963"),
        Member("Лисенко", "Тарас", "11.11.1988"),
        Member("Лисенко", "Олена", "02.1990"),
        Member("Лисенко", "Артем", "2016"),
    ],
    [
        Member("Кузьменко", "Віктор", "1958"),
        Member("Кузьменко", "Тамара", "08.03.1960"),
        Member("Кузьменко", "Олександр", "1982"),
        Member("Кузьменко", "Світлана", "16.06.1984"),
        Member("Кузьменко", "Богдан", "2008"),
        Member("Кузьменко", "Вікторія", "28.02.2012"),
    ],
    [
        Member("Гончаренко", "Степан", "1939"),
        Member("Гончаренко", "Марина", "13.09.1966"),
        Member("Гончаренко", "Юрій", "1964"),
        Member("Гончаренко", "Дмитро", "25.04.1991"),
        Member("Гончаренко", "Катерина", "1993"),
        Member("Гончаренко", "Назар", "10.2018"),
        Member("Гончаренко", "Поліна", "2021"),
    ],
]


def _given_names(number: int) -> list[str]:
    return sorted(Household.objects.get(pk=number).members.values_list("given_name", flat=True))


@pytest.mark.parametrize(("language", "width"), every_language_and_width(2))
def test_registrars_day(walk, world: World) -> None:  # type: ignore[no-untyped-def]
    page = walk.sign_in("registrar_a", PASSWORD)
    alone = register_household(walk, page, [Member("Мельник", "Ганна", "14.03.1948")], "Суджа")
    person = Household.objects.get(pk=alone).members.get()
    assert (person.given_name, person.birth_year, person.birth_month, person.birth_day) == (
        "Ганна",
        1948,
        3,
        14,
    )
    assert alone >= 1_000_000 and str(alone) in page.locator("h1").inner_text()
    assert page.locator("#household-shelter").is_visible()

    eight = register_household(walk, page, EIGHT, "Суджа")
    assert _given_names(eight) == sorted(m.given_name for m in EIGHT)

    for family in FAMILIES:  # two to seven
        number = register_household(walk, page, family, "Суджа")
        assert _given_names(number) == sorted(m.given_name for m in family)

    # Галина Коваленко's family is registered at this point already; her granddaughter
    # arrives later with her: the registrar adds the girl to the family found.
    came_back = [Member("Коваленко", "Галина", "1948"), Member("Коваленко", "Марія", "05.09.2017")]
    joined = register_household(walk, page, came_back, "Суджа", if_registered="join")
    assert joined == world.waiting.pk
    assert _given_names(joined) == sorted(["Галина", "Петро", "Оксана", "Дарина", "Марія"])


@pytest.mark.parametrize(("language", "width"), every_language_and_width(3))
def test_shelter_managers_day(walk, world: World) -> None:  # type: ignore[no-untyped-def]
    shelter, household = world.shelter_a, world.household_a
    page = walk.sign_in("manager", PASSWORD)
    walk.follow(page, "/desk/shelters/", "shelters")
    walk.follow(page, f"/desk/shelters/{shelter.pk}/", "shelter-expected")
    page.get_by_role("button", name=walk.t("Check in %(n)s", n=2)).click()
    page.locator("#occupancy").filter(has_text="2").wait_for()
    walk.see(page, "checked-in")
    page.locator(f"#to-{household.pk}").select_option("relatives")
    page.get_by_role("button", name=walk.t("Check out")).click()
    page.locator("#occupancy").filter(has_text="0").wait_for()
    walk.see(page, "checked-out")
    assert Shelter.objects.get(pk=shelter.pk).occupancy == 0


@pytest.mark.parametrize(("language", "width"), every_language_and_width(4))
def test_tracing_officers_day(walk, world: World) -> None:  # type: ignore[no-untyped-def]
    pair = DuplicateCandidate.objects.get(left__family_name="Тарасова")
    enquiry = Enquiry.objects.get()
    page = walk.sign_in("tracing", PASSWORD)
    walk.follow(page, "/tracing/", "queue")
    walk.follow(page, f"/tracing/pairs/{pair.pk}/", "pair")
    assert "Tarasova" in page.locator("main").inner_text()
    walk.follow(page, "/tracing/enquiries/", "enquiries")
    walk.follow(page, f"/tracing/enquiries/{enquiry.pk}/", "enquiry")
    walk.follow(page, "/desk/search/", "search")
    page.locator("#id_family_name").fill("Tarasva")  # Latin letters, one left out
    page.get_by_role("button", name=walk.t("Search"), exact=True).click()
    page.locator("main h2").wait_for()
    walk.see(page, "search-found")
    assert "Тарасова Татьяна" in page.locator("main table").inner_text()


@pytest.mark.parametrize(("language", "width"), every_language_and_width(5))
def test_the_publics_find_page(walk, world: World) -> None:  # type: ignore[no-untyped-def]
    page = walk.new_page()
    walk.open(page, "/", "landing")
    # The first Tab shows a way past the menu, with a visible focus ring.
    page.keyboard.press("Tab")
    skip = walk.focused(page)
    assert skip["text"] == walk.t("Skip to content") and skip["onscreen"] and skip["outline"] >= 2
    walk.follow(page, "/tracing/find/", "find")
    page.locator("#id_family_name").focus()
    page.keyboard.press("Tab")
    assert walk.focused(page)["tag"] == "INPUT" and walk.focused(page)["outline"] >= 2
    page.locator("#id_family_name").fill("Мельник")
    page.locator("#id_given_name").fill("Ганна")
    page.locator("#id_enquirer_name").fill("Олег Мельник")
    page.locator("#id_enquirer_contact").fill("+380 67 765 43 21")
    page.get_by_role("button", name=walk.t("Search"), exact=True).click()
    page.locator("#answer").wait_for()
    walk.see(page, "answer")
    assert "Мельник" not in page.url
