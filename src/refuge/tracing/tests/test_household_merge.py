"""A family registered twice merged at once; evidence in words; merges on the household page."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from tests.pages import form_to, forms_on

from refuge.audit.models import AuditEvent
from refuge.desks.tests.world import World
from refuge.registry.actions import MemberData
from refuge.registry.models import Household
from refuge.tracing.models import DuplicateCandidate, HouseholdMerge, Merge
from refuge.tracing.tests.conftest import client_for
from refuge.tracing.tests.test_scan_households import HUSBAND, TWIN_A, WIFE, _household


@pytest.fixture
def twice(world: World) -> tuple[Household, Household]:
    """The Коваленко family at point A; again at point B a day later, typed otherwise."""
    first = _household(world, HUSBAND, WIFE, TWIN_A)
    again = _household(
        world,
        MemberData("Petro", "Kovalenko", "", "M", 1961, 4, 2),
        MemberData("Маша", "Коваленко", "Ивановна", "F", 1963, 11, 20),
        MemberData("Богдан", "Коваленко", "Петрович", "M", 2019, 1, 9),  # born since
        point="b",
        hours_ago=6,
    )
    call_command("tracing", "scan")
    return first, again


def _husbands_pair() -> DuplicateCandidate:
    return DuplicateCandidate.objects.get(left__given_name="Пётр", right__given_name="Petro")


def test_the_pair_page_says_the_evidence_in_the_officers_words(world: World, twice) -> None:  # type: ignore[no-untyped-def]
    officer = client_for(world, "tracing")
    page = officer.get(f"/tracing/pairs/{_husbands_pair().pk}/").content.decode()
    assert "The given names are forms of one name" in page
    assert "Same birth date" in page and "strongly for" in page
    assert "same-identity" not in page and "birth_date" not in page
    officer.post("/i18n/setlang/", {"language": "uk"})
    page = officer.get(f"/tracing/pairs/{_husbands_pair().pk}/").content.decode()
    assert "Та сама дата народження" in page


def test_a_family_registered_twice_is_merged_member_by_member_in_one_action(
    world: World, twice: tuple[Household, Household]
) -> None:
    first, again = twice
    officer = client_for(world, "tracing")
    pair_page = officer.get(f"/tracing/pairs/{_husbands_pair().pk}/").content.decode()
    assert f"/tracing/pairs/{_husbands_pair().pk}/household/" in pair_page
    page = officer.get(f"/tracing/pairs/{_husbands_pair().pk}/household/").content.decode()
    assert "Merge 2 people" in page  # Анна and Богдан have no partner
    assert "No partner in the other registration" in page
    (form,) = [f for f in forms_on(page) if f.method == "post" and not f.action]
    response = officer.post(
        f"/tracing/pairs/{_husbands_pair().pk}/household/",
        form.data(reason="one family: same dates, same village"),
    )
    assert response.status_code == 302
    merges = Merge.objects.filter(household_merge__isnull=False, undone_at__isnull=True)
    assert {(m.kept.given_name, m.merged.given_name) for m in merges} == {
        ("Пётр", "Petro"),
        ("Мария", "Маша"),
    }
    assert HouseholdMerge.objects.get().kept == first
    audits = AuditEvent.objects.filter(action="change", object_type="person")
    assert sorted(a.object_id for a in audits) == sorted(str(m.merged_id) for m in merges)
    assert DuplicateCandidate.objects.filter(status="merged").count() == 2


def _merge_all(world: World) -> None:
    officer = client_for(world, "tracing")
    page = officer.get(f"/tracing/pairs/{_husbands_pair().pk}/household/").content.decode()
    (form,) = [f for f in forms_on(page) if f.method == "post" and not f.action]
    officer.post(f"/tracing/pairs/{_husbands_pair().pk}/household/", form.data(reason="one family"))


def test_both_household_pages_say_who_was_registered_again_and_when(
    world: World, twice: tuple[Household, Household]
) -> None:
    first, again = twice
    _merge_all(world)
    national = client_for(world, "national")
    page = national.get(f"/desk/households/{first.pk}/").content.decode()
    assert f"Registered again as Kovalenko Petro in household {again.pk}, merged on" in page
    assert "This registration is the one kept." in page
    page = national.get(f"/desk/households/{again.pk}/").content.decode()
    assert f"Registered earlier as Коваленко Пётр Сергеевич in household {first.pk}" in page
    assert "This registration was merged into the other." in page
    # Point A's registrar does not see point B's household: told only that there is one.
    page = client_for(world, "registrar_a").get(f"/desk/households/{first.pk}/").content.decode()
    assert "Also registered at another reception point; merged on" in page
    assert "Petro" not in page and f"household {again.pk}" not in page


def test_undoing_one_of_its_merges_undoes_the_household_merge(
    world: World, twice: tuple[Household, Household]
) -> None:
    _merge_all(world)
    officer = client_for(world, "tracing")
    queue = officer.get("/tracing/").content.decode()
    assert "Undo the household merge" in queue
    one = Merge.objects.filter(household_merge__isnull=False).first()
    (undo,) = form_to(queue, f"/tracing/merges/{one.pk}/undo/")
    assert officer.post(undo.action, undo.data()).status_code == 302
    assert not Merge.objects.filter(undone_at__isnull=True).exists()
    assert HouseholdMerge.objects.get().undone_by == world.users["tracing"]
    assert DuplicateCandidate.objects.filter(status="open").count() >= 2
    undone = AuditEvent.objects.filter(action="change", summary__contains="undone")
    assert undone.count() == 2
