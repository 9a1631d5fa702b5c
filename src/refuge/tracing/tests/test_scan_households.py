"""`refuge tracing scan` over realistic households: relatives are not duplicates.

Before, a shared phone, home and surname outweighed every contradiction: a husband and
wife registered together were queued at 0.98, and the Kursk-2024 registry queued
131,060 pairs of people registered together.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.core.management import call_command

from refuge.desks.tests.world import MSK, World
from refuge.geo.models import Settlement
from refuge.registry.actions import MemberData, Registration, do_register_households
from refuge.registry.models import Household
from refuge.tracing.models import DuplicateCandidate

PHONE = "+7 951 318-22-47"


def _household(
    world: World, *members: MemberData, point: str = "a", hours_ago: int = 30
) -> Household:
    now = datetime.now(MSK) - timedelta(hours=hours_ago)
    (household,) = do_register_households(
        operation=world.operation,
        registrations=[
            Registration(
                reception_point=world.point_a if point == "a" else world.point_b,
                origin=Settlement.objects.filter(name_ru="Суджа").first(),
                left_at=now - timedelta(hours=3),
                mode="organised",
                registered_at=now,
                destination="relatives",
                phone=PHONE,
                members=list(members),
                idempotency_key=uuid.uuid4(),
            )
        ],
    )
    return household


HUSBAND = MemberData("Пётр", "Коваленко", "Сергеевич", "M", 1961, 4, 2)
WIFE = MemberData("Мария", "Коваленко", "Ивановна", "F", 1963, 11, 20)
TWIN_A = MemberData("Анна", "Коваленко", "Петровна", "F", 2010, 5, 5)
TWIN_B = MemberData("Дарья", "Коваленко", "Петровна", "F", 2010, 5, 5)
GRANDMOTHER = MemberData("Ольга", "Тарасова", "Ивановна", "F", 1948, 3, 14)
GRANDDAUGHTER = MemberData("Ольга", "Тарасова", "Андреевна", "F", 2006, 3, 4)


def _pairs() -> set[tuple[str, str]]:
    call_command("tracing", "scan")
    return {
        (c.left.given_name, c.right.given_name)
        for c in DuplicateCandidate.objects.select_related("left", "right")
    }


def test_spouses_twins_and_a_grandmother_with_her_granddaughter_are_not_queued(
    world: World,
) -> None:
    _household(world, HUSBAND, WIFE, TWIN_A, TWIN_B)
    _household(world, GRANDMOTHER, GRANDDAUGHTER, MemberData("Андрей", "Тарасов", "", "M", 1975))
    assert _pairs() == set()


def test_a_person_typed_twice_into_one_household_is_still_queued(world: World) -> None:
    again = MemberData("Petr", "Kovalenko", "Sergeevich", "M", 1961, 4, 2)
    _household(world, HUSBAND, WIFE, again)
    assert _pairs() == {("Пётр", "Petr")}


def test_a_family_registered_twice_pairs_member_with_member_only(world: World) -> None:
    _household(world, HUSBAND, WIFE, TWIN_A, TWIN_B)
    _household(
        world,
        MemberData("Petro", "Kovalenko", "", "M", 1961, 4, 2),
        MemberData("Маша", "Коваленко", "Ивановна", "F", 1963, 11, 20),
        MemberData("Анна", "Коваленко", "Петровна", "F", 2010, 5, 5),
        MemberData("Дарья", "Коваленко", "", "F", 2010, 5, 5),
        point="b",
        hours_ago=6,
    )
    assert _pairs() == {("Пётр", "Petro"), ("Мария", "Маша"), ("Анна", "Анна"), ("Дарья", "Дарья")}


def test_one_document_number_says_two_registrations_in_a_household_are_one_person(
    world: World,
) -> None:
    # A grandmother typed twice by a tired clerk: once in full, once as "Оля" with her
    # passport and nothing else of her own. Only the document says it is her.
    _household(
        world,
        MemberData(
            "Ольга", "Тарасова", "Ивановна", "F", 1948, 3, 14, document_number="3804 512377"
        ),
        GRANDDAUGHTER,
        MemberData("Оля", "Тарасова", "", "F", document_number="3804512377"),
    )
    assert _pairs() == {("Ольга", "Оля")}
