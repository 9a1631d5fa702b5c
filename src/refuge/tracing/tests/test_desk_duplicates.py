"""The registration desk's duplicate check: the linkage engine behind find_possible_duplicates."""

from __future__ import annotations

import html
import re
from dataclasses import replace

import pytest
from django.core import signing
from django.db import connection

from refuge.audit.models import AuditEvent
from refuge.desks import duplicates
from refuge.desks.duplicates import (
    DESK_MIN_PROBABILITY,
    find_possible_duplicates,
    member_record,
    registry_size,
)
from refuge.desks.tests.helpers import registration_post
from refuge.desks.tests.world import World
from refuge.geo.models import Region
from refuge.registry.actions import MemberData
from refuge.registry.models import Person
from refuge.tracing import keys
from refuge.tracing.models import DuplicateCandidate, NameKey
from refuge.tracing.tests.conftest import client_for, one, register_people

TATIANA = MemberData(given_name="Татьяна", family_name="Иванова", birth_year=1952, sex="F")


def test_the_desk_shows_a_cyrillic_registration_for_a_name_typed_in_latin(world: World) -> None:
    tatiana = one(register_people(world, TATIANA, point="a"))
    registrar = client_for(world, "registrar_a")
    data = registration_post(
        [{"family_name": "Ivanova", "given_name": "Tatiana", "birth_date": "1952"}],
        destination_region=str(Region.objects.get(code="RU-MOW").pk),
        destination_address="Lenina 1",
    )
    html = registrar.post("/desk/register/", data).content.decode()
    assert "They may be registered already" in html
    assert "Иванова Татьяна" in html
    assert f"/desk/households/{tatiana.household_id}/" in html


def test_a_registration_at_another_point_is_named_to_nobody_at_the_desk(world: World) -> None:
    """Issue 13: the warning must not be a window into every reception point."""
    born = replace(TATIANA, birth_month=3, birth_day=14)
    tatiana = one(register_people(world, born, point="b"))
    registrar = client_for(world, "registrar_a")
    data = registration_post(
        [{"family_name": "Ivanova", "given_name": "Tatiana", "birth_date": "1952"}],
        destination_region=str(Region.objects.get(code="RU-MOW").pk),
        destination_address="Lenina 1",
    )
    page = html.unescape(registrar.post("/desk/register/", data).content.decode())
    assert "Someone much like Ivanova Tatiana is already registered elsewhere" in page
    secrets = ("Иванова", "Татьяна", "14.03", "03-14", str(tatiana.pk), str(tatiana.household_id))
    warning = re.search(r'<section class="confirm".*?</section>', page, re.S)
    assert warning, "the warning is on the page"
    for secret in secrets:
        assert secret not in warning.group(0), secret
        assert f"/{secret}/" not in page and f'value="{secret}"' not in page.split("<select")[0]
    shown = re.search(r'name="shown" value="([^"]+)"', page)
    assert (
        shown
        and str(tatiana.pk)
        not in signing.loads(shown.group(1), salt="refuge.desks.shown-duplicates").__repr__()
    )  # the signed field is readable: it must not hold the id either
    told = AuditEvent.objects.get(object_type="person", object_id=str(tatiana.pk))
    assert told.username == "registrar_a" and "outside the registrar's scope" in told.summary
    assert "Иванова" not in told.summary


def test_a_different_woman_of_the_same_surname_is_not_offered(world: World) -> None:
    register_people(world, TATIANA)
    olga = MemberData(given_name="Olga", family_name="Ivanova", birth_year=1952)
    assert find_possible_duplicates([olga], world.operation) == []


def test_the_answer_carries_probability_and_reasons(world: World) -> None:
    tatiana = one(register_people(world, TATIANA))
    typed = MemberData(given_name="Tetiana", family_name="Ivanova", birth_year=1952)
    (found,) = find_possible_duplicates([typed], world.operation)
    assert found.person_id == tatiana.pk and found.member_index == 0
    assert found.probability > 0.9
    assert "given_name:same-identity" in found.reasons


def test_a_person_registered_after_the_last_check_is_found_by_the_next(world: World) -> None:
    typed = MemberData(given_name="Tatyana", family_name="Ivanova", birth_year=1952)
    assert find_possible_duplicates([typed], world.operation) == []
    tatiana = one(register_people(world, TATIANA))  # "at another desk", after the check
    assert [d.person_id for d in find_possible_duplicates([typed], world.operation)] == [tatiana.pk]


def test_a_registration_committed_late_below_the_indexed_pk_is_still_indexed(
    world: World,
) -> None:
    tatiana = one(register_people(world, TATIANA))
    later = one(register_people(world, MemberData(given_name="Пётр", family_name="Сидоров")))
    keys.catch_up()
    # As if Tatiana's transaction committed after Pyotr's was indexed.
    NameKey.objects.filter(person=tatiana).delete()
    assert NameKey.objects.filter(person=later).exists()
    typed = MemberData(given_name="Tatiana", family_name="Ivanova", birth_year=1952)
    assert [d.person_id for d in find_possible_duplicates([typed], world.operation)] == [tatiana.pk]


def test_another_operations_people_are_not_offered(world: World) -> None:
    from refuge.operations.models import Operation

    register_people(world, TATIANA)
    other = Operation.objects.create(
        slug="other", name="Other", affected_region=world.operation.affected_region,
        started_at=world.operation.started_at,
    )  # fmt: skip
    typed = MemberData(given_name="Tatiana", family_name="Ivanova", birth_year=1952)
    assert find_possible_duplicates([typed], other) == []


def _register_at_desk(world: World, member: dict[str, str], confirm: bool = False):  # type: ignore[no-untyped-def]
    data = registration_post(
        [member],
        destination_region=str(Region.objects.get(code="RU-MOW").pk),
        destination_address="Lenina 1",
    )
    if confirm:
        data["confirm"] = "1"
    return client_for(world, "registrar_a").post("/desk/register/", data)


def test_saving_despite_the_warning_queues_the_pair_for_a_tracing_officer(world: World) -> None:
    tatiana = one(register_people(world, TATIANA, point="b"))
    typed = {"family_name": "Ivanova", "given_name": "Tatiana", "birth_date": "1952"}
    assert "They may be registered already" in _register_at_desk(world, typed).content.decode()
    assert not DuplicateCandidate.objects.exists()  # shown, nothing saved yet
    assert _register_at_desk(world, typed, confirm=True).status_code == 302
    again = Person.objects.get(given_name="Tatiana")
    pair = DuplicateCandidate.objects.get()
    assert (pair.left_id, pair.right_id) == (tatiana.pk, again.pk)
    assert pair.source == "registration" and pair.status == "open"
    assert pair.probability > 0.9
    assert {row[0] for row in pair.evidence["evidence"]} >= {"given_name", "family_name"}


def _confirm_from_the_page(world: World, typed: dict[str, str], before_saving=None, **edits: str):  # type: ignore[no-untyped-def]
    """Register, then press "Save the registration" on the page shown, maybe after edits."""
    registrar = client_for(world, "registrar_a")
    data = registration_post(
        [typed],
        destination_region=str(Region.objects.get(code="RU-MOW").pk),
        destination_address="Lenina 1",
    )
    page = registrar.post("/desk/register/", data).content.decode()
    shown = re.search(r'name="shown" value="([^"]+)"', page)
    assert shown, "the confirmation page carries what it showed"
    data.update({"shown": html.unescape(shown.group(1)), "confirm": "1"})
    data.update(edits)
    if before_saving:
        before_saving()
    return registrar.post("/desk/register/", data)


def test_saving_from_the_page_queues_what_it_showed_without_checking_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    tatiana = one(register_people(world, TATIANA, point="b"))
    typed = {"family_name": "Ivanova", "given_name": "Tatiana", "birth_date": "1952"}

    def no_second_check() -> None:
        monkeypatch.setattr(duplicates, "find_possible_duplicates", None)  # calling it would fail

    assert _confirm_from_the_page(world, typed, no_second_check).status_code == 302
    pair = DuplicateCandidate.objects.get()
    assert tatiana.pk in (pair.left_id, pair.right_id) and pair.source == "registration"


def test_a_member_edited_on_the_confirmation_page_is_checked_again(world: World) -> None:
    register_people(world, TATIANA, point="b")
    typed = {"family_name": "Ivanova", "given_name": "Tatiana", "birth_date": "1952"}
    # The registrar corrects the name: the pair shown no longer concerns this person.
    response = _confirm_from_the_page(world, typed, **{"m-0-given_name": "Olga"})
    assert response.status_code == 302
    assert Person.objects.filter(given_name="Olga").exists()
    assert not DuplicateCandidate.objects.exists()


def test_a_forged_list_of_shown_pairs_is_not_believed(world: World) -> None:
    tatiana = one(register_people(world, TATIANA, point="b"))
    typed = {"family_name": "Ivanova", "given_name": "Tatiana", "birth_date": "1952"}
    _confirm_from_the_page(world, typed, shown="[[0, 1, 1.0, {}]]")  # unsigned: checked again
    pair = DuplicateCandidate.objects.get()
    assert tatiana.pk in (pair.left_id, pair.right_id)


def test_a_desk_registration_is_found_by_the_next_check_without_catching_up(
    world: World,
) -> None:
    _register_at_desk(world, {"family_name": "Орлова", "given_name": "Вера", "birth_date": "1980"})
    vera = Person.objects.get(given_name="Вера")
    assert NameKey.objects.filter(person=vera).exists()  # indexed in its own transaction
    typed = MemberData(given_name="Vera", family_name="Orlova", birth_year=1980)
    assert keys.catch_up() == 0
    assert [d.person_id for d in find_possible_duplicates([typed], world.operation)] == [vera.pk]


def test_members_of_one_household_are_not_queued_against_each_other(world: World) -> None:
    twins = [
        {"family_name": "Орлова", "given_name": name, "patronymic": "Петровна",
         "birth_date": "2010-03-04", "sex": "F"}
        for name in ("Анна", "Мария")
    ]  # fmt: skip
    data = registration_post(
        twins,
        destination_region=str(Region.objects.get(code="RU-MOW").pk),
        destination_address="Lenina 1",
    )
    assert client_for(world, "registrar_a").post("/desk/register/", data).status_code == 302
    assert Person.objects.filter(family_name="Орлова").count() == 2
    assert not DuplicateCandidate.objects.exists()


def test_a_namesake_born_decades_apart_is_not_offered_at_the_desk(world: World) -> None:
    """The engine calls two full birth dates no typing slip explains a contradiction."""
    register_people(
        world,
        MemberData(given_name="Екатерина", family_name="Иванова", patronymic="Витальевна",
                   birth_year=1941, birth_month=12, birth_day=25, sex="F"),
    )  # fmt: skip
    typed = MemberData(given_name="Екатерина", family_name="Иванова", patronymic="Витальевна",
                       birth_year=1992, birth_month=6, birth_day=20, sex="F")  # fmt: skip
    assert find_possible_duplicates([typed], world.operation) == []
    slipped = MemberData(given_name="Екатерина", family_name="Иванова", patronymic="Витальевна",
                         birth_year=1941, birth_month=12, birth_day=26, sex="F")  # fmt: skip
    assert find_possible_duplicates([slipped], world.operation)  # one typo: still offered


def test_the_check_stays_within_a_few_queries(world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    register_people(world, TATIANA)
    keys.catch_up()
    typed = MemberData(given_name="Tatiana", family_name="Ivanova", birth_year=1952)
    find_possible_duplicates([typed], world.operation)  # warm the model
    with django_assert_max_num_queries(8):
        assert find_possible_duplicates([typed], world.operation)
    assert connection.vendor in ("sqlite", "postgresql")


NIKITIN = MemberData(given_name="Александр", family_name="Никитин", patronymic="Симонович",
                     birth_year=2001, birth_month=8, birth_day=22, sex="M")  # fmt: skip
KURSK_TIMES_TEN = 1_220_000  # persons registered in the scale-10 scenario


def _desk_check(member: MemberData, world: World, registry: int | None) -> list[keys.Match]:
    (found,) = keys.check(
        [member_record(0, member)],
        operation_id=world.operation.pk,
        min_probability=DESK_MIN_PROBABILITY,
        catch_up_first=True,
        contradicted=False,
        registry_size=registry,
    )
    return found


def test_against_a_large_registry_a_namesake_with_another_father_is_not_offered(
    world: World,
) -> None:
    register_people(world, NIKITIN)
    # Same given and family name, another patronymic, only a birth year a year off.
    typed = MemberData(given_name="Александр", family_name="Никитин", patronymic="Андреевич",
                       birth_year=2000, sex="M")  # fmt: skip
    assert _desk_check(typed, world, registry=None)  # the prior of 20,000 records
    assert _desk_check(typed, world, registry=KURSK_TIMES_TEN) == []


def test_against_a_large_registry_the_same_person_typed_again_is_still_offered(
    world: World,
) -> None:
    nikitin = one(register_people(world, NIKITIN))
    typed = MemberData(given_name="Aleksandr", family_name="Nikitin", patronymic="Simonovich",
                       birth_year=2001, birth_month=8, birth_day=22)  # fmt: skip
    (found,) = _desk_check(typed, world, registry=KURSK_TIMES_TEN)
    assert found.person.person_id == nikitin.pk and found.probability > 0.99


def test_the_desk_counts_the_registry_of_its_own_operation(world: World) -> None:
    from refuge.operations.models import Operation

    before = Person.objects.filter(household__operation=world.operation).count()
    register_people(world, NIKITIN, TATIANA)
    other = Operation.objects.create(
        slug="other", name="Other", affected_region=world.operation.affected_region,
        started_at=world.operation.started_at,
    )  # fmt: skip
    assert registry_size(world.operation) == before + 2
    assert registry_size(other) == 0
