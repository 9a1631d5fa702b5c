"""Each role lands on its own work, within its scope (desks.landing)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

from django.test import Client

from refuge.desks.tests.world import MSK, World, register
from refuge.geo.models import Settlement
from refuge.registry.actions import MemberData, Registration, do_register_households
from refuge.registry.models import Household
from refuge.shelters.actions import Arrival, do_assign, do_change_status, do_check_in
from refuge.tracing.models import DuplicateCandidate, Enquiry


def _home(world: World, username: str, lang: str = "en") -> str:
    client = Client(headers={"accept-language": lang})
    client.force_login(world.users[username])
    response = client.get("/desk/")
    assert response.status_code == 200
    return response.content.decode()


def _row(page: str, first_cell: str) -> list[str]:
    """The cells of the table row whose first cell links to `first_cell`."""
    row = re.search(rf">{re.escape(first_cell)}</a></th>(.*?)</tr>", page, re.S)
    assert row, first_cell
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row[1])]


def _registered_at(world: World, size: int, at: datetime, point=None) -> Household:  # type: ignore[no-untyped-def]
    """A household of `size` registered at `at` (at point A unless told otherwise)."""
    (household,) = do_register_households(
        operation=world.operation,
        registrations=[
            Registration(
                reception_point=point or world.point_a,
                origin=Settlement.objects.order_by("pk").first(),
                left_at=at - timedelta(minutes=40),
                mode="own",
                registered_at=at,
                destination="relatives" if size == 1 else "shelter",
                members=[
                    MemberData(given_name=f"Олена{i}", family_name="Коваленко", birth_year=1948)
                    for i in range(size)
                ],
                idempotency_key=uuid.uuid4(),
            )
        ],
    )
    return household


def test_the_registrar_lands_on_todays_registrations_at_their_point(world: World) -> None:
    now = datetime.now(MSK)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    eight, one = _registered_at(world, 8, now), _registered_at(world, 1, now)
    yesterday = _registered_at(world, 3, midnight - timedelta(minutes=1))
    elsewhere = _registered_at(world, 2, now, point=world.point_b)
    page = _home(world, "registrar_a")
    assert 'href="/desk/register/"' in page
    assert str(eight.pk) in page and str(one.pk) in page
    assert str(yesterday.pk) not in page and str(elsewhere.pk) not in page
    # The world's own household at point A counts too when it was registered today.
    earlier = 1 if world.household_a.registered_at >= midnight else 0
    assert re.search(rf'id="today-households">{2 + earlier}<', page)
    assert re.search(rf'id="today-people">{9 + 2 * earlier}<', page)
    assert _row(page, str(eight.pk))[1:] == ["8", "Shelter"]
    assert _row(page, str(one.pk))[1:] == ["1", "Relatives"]
    assert "Коваленко" not in page  # numbers only: names are behind the audited page


def test_the_shelter_manager_lands_on_arrivals_residents_and_free_places(world: World) -> None:
    page = _home(world, "manager")
    expected, residents, free, status = _row(page, "Shelter A")
    assert (expected, residents, free, status) == ("2", "0", "38 / 40", "Open")
    assert "Shelter B" not in page
    ru = _home(world, "manager", "ru")
    assert "Ожидаемые прибытия" in ru and "<td>Открыт</td>" in ru


def test_coordinators_land_on_the_report_and_the_shelters_about_to_fill(world: World) -> None:
    now = datetime.now(MSK)
    # 2 reserved of 2 places: full up; Shelter B keeps 38 of 40 free.
    do_change_status(shelter=world.shelter_a, status="open", at=now, capacity=2)
    national = _home(world, "national")
    assert 'href="/"' in national and "Open the full report" in national
    assert _row(national, "Shelter A")[:3] == ["0 / 2", "0", "2"]  # free places first
    assert "Shelter B" not in national
    do_change_status(shelter=world.shelter_b, status="open", at=now, capacity=2)
    assert "Shelter B" in _home(world, "national")
    ru = _home(world, "national", "ru")
    assert "ПВР на грани заполнения (занято или забронировано 90 % мест и более)" in ru
    regional = _home(world, "regional")  # Kursk oblast only
    assert "Shelter A" in regional and "Shelter B" not in regional


def test_a_regional_coordinator_sees_their_regions_sheltered_beside_the_operations(
    world: World,
) -> None:
    """The walk found the regional landing page giving the operation's total under the
    same words as the region's lists: each figure now says whose it is."""
    now = datetime.now(MSK)
    do_check_in([Arrival(world.household_a, world.shelter_a, now, reserved=True),
                 Arrival(world.household_b, world.shelter_b, now, reserved=True)])  # fmt: skip
    in_a = world.household_a.members.count()
    in_both = in_a + world.household_b.members.count()
    regional = _home(world, "regional", "ru")
    region = re.search(r'id="region-sheltered">([^<]+)</b>([^<]+)<', regional)
    assert region and (region[1], region[2]) == (
        str(in_a),
        "в пунктах временного размещения (регион: Курская область)",
    )
    total = re.search(r'id="operation-sheltered">([^<]+)</b>([^<]+)<', regional)
    assert total and (total[1], total[2]) == (
        str(in_both),
        "в пунктах временного размещения, все регионы операции",
    )
    national = _home(world, "national")
    assert 'id="region-sheltered"' not in national
    assert re.search(rf'id="operation-sheltered">{in_both}</b>in temporary shelters<', national)


def test_a_shelter_at_89_percent_is_not_yet_about_to_fill(world: World) -> None:
    now = datetime.now(MSK)
    for family in ("Сидоренко", "Бойко", "Мельник"):  # 2 + 3 × 2 = 8 reserved of 9 places
        h = register(world.operation, world.point_a, family)
        do_assign(household=h, shelter=world.shelter_a, at=now)
    do_change_status(shelter=world.shelter_a, status="open", at=now, capacity=9)
    assert "Shelter A" not in _home(world, "national")  # 8/9 = 88.9 %
    do_change_status(shelter=world.shelter_a, status="open", at=now, capacity=8)
    assert "Shelter A" in _home(world, "national")


def test_the_tracing_officer_lands_on_the_review_queue_and_open_enquiries(world: World) -> None:
    a, b = world.household_a.members.all()[:2]
    DuplicateCandidate.objects.create(operation=world.operation, left=a, right=b, probability=0.97)
    for given in ("Ольга", "Пётр"):
        Enquiry.objects.create(
            operation=world.operation,
            enquirer_name="Марина",
            enquirer_contact="+7 900 000-00-00",
            family_name="Иванова",
            given_name=given,
        )
    Enquiry.objects.create(
        operation=world.operation,
        enquirer_name="Марина",
        enquirer_contact="+7 900 000-00-00",
        family_name="Иванова",
        given_name="Анна",
        status=Enquiry.Status.RESOLVED,
        resolved_at=datetime.now(MSK) - timedelta(hours=1),
    )
    page = _home(world, "tracing")
    assert "1 possible duplicate to review" in page
    assert "2 open enquiries" in page
    assert "Ольга" not in page and "Марина" not in page


def test_the_auditor_lands_on_the_audit_trail(world: World) -> None:
    assert 'href="/audit/"' in _home(world, "auditor")
