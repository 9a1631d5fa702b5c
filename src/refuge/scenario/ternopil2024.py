"""The night of 19–20 August 2024: the Ternopil depot fire, its smoke warning, Kyiv's air-raid alert.

A strike set a fuel and lubricants depot in Ternopil on fire at about 03:00 local time;
more than 90 rescuers and more than 20 units of equipment, two fire trains among them,
worked it, with no casualties, and the city was told to stay inside and close the
windows. Kyiv sat under an air-raid alert until the all clear. The scenario writes that
night through the same actions a duty officer and coordinators use, so the situation
report reads it from the incident log and the released warnings. Minute-level times and
the split between services are the scenario's own (the public record gives the totals).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from refuge.accounts.scope import Actor
from refuge.alerts.actions import do_draft_alert, do_draft_followup, do_release_alert
from refuge.geo.gazetteer import load_regions
from refuge.geo.models import District, Region, Settlement
from refuge.incidents.actions import do_record_deployment, do_report_incident, do_update_incident
from refuge.operations.models import Operation
from refuge.scenario.kursk2024 import ScenarioError

SLUG = "ternopil-2024"
KYIV = ZoneInfo("Europe/Kyiv")
# The scenario replays a log: its entries are the system's, not a signed-in person's.
SYSTEM = Actor(user=None, membership=None)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 8, day, hour, minute, tzinfo=KYIV)


def _ternopil(region: Region) -> Settlement:
    district, _ = District.objects.get_or_create(
        region=region,
        slug="ternopilska-hromada",
        defaults={
            "name_en": "Ternopil hromada",
            "name_ru": "Тернопольская городская громада",
            "name_uk": "Тернопільська міська громада",
            "centre": "Ternopil",
            "lat": 49.5535,
            "lon": 25.5948,
        },
    )
    city, _ = Settlement.objects.get_or_create(
        district=district,
        name_en="Ternopil",
        defaults={"name_ru": "Тернополь", "name_uk": "Тернопіль", "kind": "city",
                  "lat": 49.5535, "lon": 25.5948, "population": 225_000},
    )  # fmt: skip
    return city


@transaction.atomic
def load(
    *,
    scale: float = 1.0,
    seed: int = 2024,
    reregistered: float = 0.0,
    progress: Callable[[str], object] = lambda _: None,
) -> Operation:
    if Operation.objects.filter(slug=SLUG).exists():
        raise ScenarioError(f"{SLUG} is already loaded")
    load_regions()
    region = Region.objects.get(code="UA-61")
    city = _ternopil(region)
    op = Operation.objects.create(
        slug=SLUG,
        name="Тернопіль, 20.08.2024",
        affected_region=region,
        started_at=at(20, 3),
        timezone="Europe/Kyiv",
    )
    # Kyiv: air-raid alert overnight, then the all clear.
    kyiv = do_draft_alert(actor=SYSTEM, operation=op, template="air_raid", area="region:UA-30")
    kyiv = do_release_alert(actor=SYSTEM, alert=kyiv, now=at(20, 1, 52))
    clear = do_draft_followup(actor=SYSTEM, alert=kyiv, msg_type="AllClear")
    do_release_alert(actor=SYSTEM, alert=clear, now=at(20, 5, 41))
    progress("Kyiv: air-raid alert 01:52, all clear 05:41")

    fire = do_report_incident(
        actor=SYSTEM, operation=op, kind="fire", name="Пожежа на нафтобазі",
        place="Тернопіль, склад паливно-мастильних матеріалів", reported_at=at(20, 3, 2),
        lat=49.57, lon=25.62,
    )  # fmt: skip
    smoke = do_draft_alert(
        actor=SYSTEM, operation=op, template="shelter_in_place", area=f"settlement:{city.pk}",
        description="Пожежа на нафтобазі після удару; дим над містом.",
    )  # fmt: skip
    smoke = do_release_alert(actor=SYSTEM, alert=smoke, now=at(20, 3, 38))
    fire.alerts.add(smoke)
    dsns = "ДСНС у Тернопільській області"
    for when, people, units, special in (
        (at(20, 3, 15), 46, 12, {}),
        (at(20, 4, 30), 70, 17, {}),
        (at(20, 5, 40), 82, 20, {}),
    ):
        do_record_deployment(actor=SYSTEM, incident=fire, service=dsns, at=when,
                             personnel=people, units=units, special=special)  # fmt: skip
    do_record_deployment(
        actor=SYSTEM, incident=fire, service="Укрзалізниця: пожежні поїзди", at=at(20, 6, 10),
        personnel=12, units=2, special={"fire_train": 2},
    )  # fmt: skip
    do_update_incident(actor=SYSTEM, incident=fire, contained_at=at(20, 10, 20),
                       closed_at=at(20, 19, 0), dead=0, injured=0)  # fmt: skip
    progress("Ternopil: depot fire 03:02, smoke warning 03:38, 94 personnel and 22 units by 06:10")
    return op
