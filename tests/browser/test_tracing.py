"""A tracing officer resolves a pair in the review queue; a relative's public search
records an enquiry without learning where anyone is."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from refuge.desks.tests.world import PASSWORD, build_world
from refuge.registry.actions import MemberData
from refuge.tracing.models import DuplicateCandidate, Enquiry, Merge
from refuge.tracing.tests.conftest import one, register_people
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _sign_in(browser, live_server, username: str):  # type: ignore[no-untyped-def]
    return sign_in(browser, live_server, username, PASSWORD, width=900)


@pytest.mark.django_db(transaction=True)
def test_a_tracing_officer_merges_a_pair_from_the_review_queue(live_server, browser, shots) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    cyrillic = one(register_people(world, MemberData(
        given_name="Татьяна", family_name="Иванова", birth_year=1952, birth_month=3, birth_day=4,
    ), point="b"))  # fmt: skip
    latin = one(register_people(world, MemberData(
        given_name="Tetiana", family_name="Ivanova", birth_year=1952,
    )))  # fmt: skip
    call_command("tracing", "scan")
    pair = DuplicateCandidate.objects.get(left=cyrillic, right=latin)

    officer = _sign_in(browser, live_server, "tracing")
    officer.get_by_role("link", name="Review queue").click()
    officer.wait_for_url(re.compile(r"/tracing/$"))
    shots(officer, "queue")
    officer.locator(f"a[href='/tracing/pairs/{pair.pk}/']").click()
    officer.get_by_role("heading", name="What the engine saw").wait_for()
    assert "Ivanova" not in officer.url and "Ivanova" not in officer.title()
    shots(officer, "pair")
    officer.get_by_label("Same person: merge").check()
    officer.get_by_label("Keep the record of").select_option("left")
    officer.get_by_label("Reason").fill("same birth year, Latin spelling of the same name")
    officer.get_by_role("button", name="Record the decision").click()
    officer.get_by_text("Merged: the two registrations are one person.").wait_for()
    shots(officer, "merged")

    merge = Merge.objects.get()
    assert (merge.kept, merge.merged) == (cyrillic, latin)
    pair.refresh_from_db()
    assert pair.status == "merged"


@pytest.mark.django_db(transaction=True)
def test_a_relatives_public_search_records_an_enquiry(live_server, browser, shots) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    register_people(world, MemberData(given_name="Татьяна", family_name="Иванова",
                                      birth_year=1952))  # not consented  # fmt: skip
    page = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Find family").click()
    page.wait_for_url(re.compile(r"/tracing/find/$"))
    page.get_by_label("Family name of the person you are looking for").fill("Ivanova")
    page.get_by_label("Given name").fill("Tatiana")
    page.get_by_label("Year of birth (optional)").fill("1952")
    page.get_by_label("Your name").fill("Olena Ivanenko")
    page.get_by_label("How we can reach you (phone or e-mail)").fill("+380 50 123 45 67")
    shots(page, "search-filled")
    page.get_by_role("button", name="Search").click()
    page.locator("#answer").wait_for()
    shots(page, "answer")
    answer = page.locator("#answer").inner_text()
    assert "Your enquiry is recorded" in answer and "registered safe" not in answer
    assert "Ivanova" not in page.url and "Суджа" not in page.content()
    enquiry = Enquiry.objects.get()
    assert (enquiry.family_name, enquiry.told_found) == ("Ivanova", False)
