"""`refuge pfif import` matches partners' records against the registry for review."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command

from refuge.desks.tests.world import World
from refuge.interchange.models import PossibleMatch
from refuge.registry.actions import MemberData
from refuge.tracing.tests.conftest import client_for, one, register_people

PARTNER = b"""<?xml version="1.0" encoding="UTF-8"?>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">
<pfif:person><pfif:person_record_id>partner.org/p1</pfif:person_record_id>
<pfif:entry_date>2024-08-12T10:00:00Z</pfif:entry_date>
<pfif:given_name>Tetiana</pfif:given_name><pfif:family_name>Ivanova</pfif:family_name>
<pfif:date_of_birth>1952-03-04</pfif:date_of_birth><pfif:home_city>Sudzha</pfif:home_city>
<pfif:source_name>Partner list</pfif:source_name></pfif:person>
<pfif:person><pfif:person_record_id>partner.org/p2</pfif:person_record_id>
<pfif:entry_date>2024-08-12T10:00:00Z</pfif:entry_date>
<pfif:given_name>Oksana</pfif:given_name><pfif:family_name>Kovalenko</pfif:family_name>
</pfif:person>
</pfif:pfif>
"""


def test_an_imported_record_becomes_a_possible_match_shown_in_the_queue(
    world: World, tmp_path: Path
) -> None:
    tatiana = one(register_people(world, MemberData(
        given_name="Татьяна", family_name="Иванова", birth_year=1952, birth_month=3, birth_day=4,
    )))  # fmt: skip
    path = tmp_path / "partner.xml"
    path.write_bytes(PARTNER)
    call_command("pfif", "import", str(path))
    match = PossibleMatch.objects.get()
    assert match.person == tatiana and match.external.record_id == "partner.org/p1"
    assert match.score > 0.9 and "birth_date:exact" in match.reasons
    queue = client_for(world, "tracing").get("/tracing/").content.decode()
    assert "Partner list" in queue and "Иванова Татьяна" in queue
    call_command("pfif", "import", str(path))  # the same file again: no second row
    assert PossibleMatch.objects.count() == 1
