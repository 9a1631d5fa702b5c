from __future__ import annotations

from django.test import Client
from tests.pages import form_to

from refuge.audit.models import AuditEvent
from refuge.desks.tests.world import World
from refuge.movements.models import Movement
from refuge.shelters.models import ShelterChange


def _manager(world: World) -> Client:
    client = Client()
    client.force_login(world.users["manager"])
    return client


def test_expected_arrivals_are_checked_in_and_out(world: World) -> None:
    client = _manager(world)
    s, h = world.shelter_a, world.household_a
    assert "Ivanova" in client.get(f"/desk/shelters/{s.pk}/").content.decode()
    client.post(f"/desk/shelters/{s.pk}/check-in/", {"household": h.pk})
    s.refresh_from_db()
    assert (s.occupancy, s.reserved) == (2, 0)
    page = client.get(f"/desk/shelters/{s.pk}/").content.decode()
    assert "Nobody expected." in page and "Check out" in page
    client.post(f"/desk/shelters/{s.pk}/check-out/", {"household": h.pk, "to": "relatives"})
    s.refresh_from_db()
    assert s.occupancy == 0
    out = Movement.objects.filter(household=h, kind=Movement.Kind.CHECKED_OUT)
    assert set(out.values_list("destination", flat=True)) == {"relatives"}
    assert AuditEvent.objects.filter(action="change", object_type="household").count() == 2


def test_check_in_and_out_post_the_household_number_the_page_drew(world: World) -> None:
    """Ids run past a million (tests/ids.py): the number in the form must come back whole."""
    client = _manager(world)
    s, h = world.shelter_a, world.household_a
    assert h.pk >= 1_000_000
    page = client.get(f"/desk/shelters/{s.pk}/").content
    [check_in] = form_to(page, "/check-in/")
    assert check_in.value("household") == str(h.pk)
    assert client.post(check_in.action, check_in.data()).status_code == 302
    page = client.get(f"/desk/shelters/{s.pk}/").content
    [check_out] = form_to(page, "/check-out/")
    assert client.post(check_out.action, check_out.data(to="relatives")).status_code == 302
    s.refresh_from_db()
    assert (s.occupancy, s.reserved) == (0, 0)


def test_a_second_check_in_of_the_same_household_is_refused(world: World) -> None:
    client = _manager(world)
    s, h = world.shelter_a, world.household_a
    client.post(f"/desk/shelters/{s.pk}/check-in/", {"household": h.pk})
    response = client.post(f"/desk/shelters/{s.pk}/check-in/", {"household": h.pk}, follow=True)
    assert "Not checked in" in response.content.decode()
    s.refresh_from_db()
    assert s.occupancy == 2


def test_capacity_cannot_drop_below_the_people_inside_and_expected(world: World) -> None:
    client = _manager(world)
    s = world.shelter_a
    response = client.post(
        f"/desk/shelters/{s.pk}/status/",
        {"status": "open", "capacity": "1", "reason": "roof leak"},
        follow=True,
    )
    assert "Not changed" in response.content.decode()
    s.refresh_from_db()
    assert s.capacity == 40
    client.post(
        f"/desk/shelters/{s.pk}/status/",
        {"status": "open", "capacity": "30", "reason": "one wing closed"},
    )
    s.refresh_from_db()
    assert s.capacity == 30
    assert ShelterChange.objects.filter(shelter=s, reason="one wing closed").exists()


def test_the_coordinator_filters_shelters_and_exports_them(world: World) -> None:
    client = Client()
    client.force_login(world.users["national"])
    krs = world.shelter_a.region
    page = client.get("/desk/shelters/", {"region": krs.pk, "min_free": 5, "wheelchair": "on"})
    html = page.content.decode()
    assert "Shelter A" in html and "Shelter B" not in html
    assert "<meter" in html and "style=" not in html
    none = client.get("/desk/shelters/", {"min_free": 1000}).content.decode()
    assert "No shelters match." in none
    csv = client.get("/desk/shelters/export.csv", {"region": krs.pk}).content.decode()
    assert (
        csv.splitlines()[0].startswith("\ufeffNumber,Shelter,Region") and len(csv.splitlines()) == 2
    )
    xlsx = client.get("/desk/shelters/export.xlsx")
    assert xlsx.content[:2] == b"PK"
    assert AuditEvent.objects.filter(action="export").count() == 2


def test_the_region_page_adds_up_its_shelters(world: World) -> None:
    client = Client()
    client.force_login(world.users["regional"])
    html = client.get("/desk/regions/RU-KRS/").content.decode()
    assert "Shelter A" in html and "Shelter B" not in html
    assert "<b>38</b>" in html  # 40 places, 2 reserved
