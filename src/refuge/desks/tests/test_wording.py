"""The shelter desk speaks the field's words in Russian and Ukrainian."""

from __future__ import annotations

from datetime import datetime

from django.test import Client

from refuge.desks.tests.world import MSK, World
from refuge.shelters.actions import do_change_status


def _shelter_page(world: World, lang: str) -> str:
    client = Client(headers={"accept-language": lang})
    client.force_login(world.users["national"])
    return client.get(f"/desk/shelters/{world.shelter_a.pk}/").content.decode()


def test_a_full_shelter_and_check_out_are_in_the_readers_language(world: World) -> None:
    do_change_status(
        shelter=world.shelter_a, status="full", at=datetime.now(MSK), reason="мест нет"
    )
    ru, uk = _shelter_page(world, "ru"), _shelter_page(world, "uk")
    assert '<b id="status">Заполнен</b>' in ru and '<b id="status">Заповнений</b>' in uk
    listing = Client(headers={"accept-language": "ru"})
    listing.force_login(world.users["national"])
    assert "<td>Заполнен</td>" in listing.get("/desk/shelters/").content.decode()
    for page in (ru, uk):
        assert ">full<" not in page and ">Full<" not in page


def test_check_out_is_never_worded_as_an_eviction(world: World) -> None:
    from refuge.shelters.actions import Arrival, do_check_in

    do_check_in(
        [Arrival(household=world.household_a, shelter=world.shelter_a, at=datetime.now(MSK))]
    )
    ru, uk = _shelter_page(world, "ru"), _shelter_page(world, "uk")
    assert "Выписать" in ru and "Виписати" in uk
    assert "высел" not in ru.lower() and "висел" not in uk.lower()


def test_shelter_features_and_audit_actions_are_in_the_readers_language(world: World) -> None:
    client = Client(headers={"accept-language": "ru"})
    client.force_login(world.users["national"])
    listing = client.get("/desk/shelters/").content.decode()
    assert '<span class="feature">Доступ для колясок</span>' in listing
    assert "<td>wheelchair" not in listing
    client.get(f"/desk/households/{world.household_a.pk}/")
    auditor = Client(headers={"accept-language": "ru"})
    auditor.force_login(world.users["auditor"])
    trail = auditor.get("/audit/").content.decode()
    assert "<td>просмотр семьи</td>" in trail and "<td>view_household" not in trail
