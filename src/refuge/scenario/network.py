"""The shelter network and reception points of the Kursk-2024 scenario.

Figures from the emergencies ministry's statement of 19 August 2024: 84 temporary
shelters open in Kursk oblast, 120 in 23 other regions, and 390 more with over
19,000 places on standby in 57 territories. Locations, kinds and capacities are
synthetic: shelters stand in the oblast's unaffected district centres (half in
Kursk city) and in the regions that received evacuees.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from faker import Faker

OPEN_IN_AFFECTED = 84
OPEN_ELSEWHERE = 120
STANDBY = 390
STANDBY_TERRITORIES = 57
AFFECTED_CAPACITY = 8600  # room for the ~6,900 who checked in by 19 August, and a margin
ELSEWHERE_CAPACITY = 4100
STANDBY_CAPACITY = 19400

# The 23 other regions that opened shelters, nearest first (those that took most).
RECEIVING_REGIONS = (
    "RU-BEL",
    "RU-ORL",
    "RU-BRY",
    "RU-VOR",
    "RU-LIP",
    "RU-TUL",
    "RU-KLU",
    "RU-TAM",
    "RU-RYA",
    "RU-MOS",
    "RU-SMO",
    "RU-PNZ",
    "RU-SAR",
    "RU-VGG",
    "RU-ROS",
    "RU-KDA",
    "RU-NIZ",
    "RU-VLA",
    "RU-YAR",
    "RU-TVE",
    "RU-IVA",
    "RU-TA",
    "RU-KOS",
)

# (kind, places low, places high, wheelchair share, medical share)
KINDS = (
    ("school", 40, 150, 0.25, 0.15),
    ("dormitory", 60, 250, 0.20, 0.20),
    ("sanatorium", 80, 300, 0.70, 0.80),
    ("hotel", 30, 120, 0.40, 0.10),
    ("sports_hall", 60, 200, 0.35, 0.15),
    ("children_camp", 80, 250, 0.20, 0.40),
    ("cultural_centre", 30, 100, 0.25, 0.10),
)
KIND_LABEL_RU = {
    "school": "ПВР на базе школы №{n}",
    "dormitory": "ПВР, общежитие №{n}",
    "sanatorium": "ПВР, санаторий «{w}»",
    "hotel": "ПВР, гостиница «{w}»",
    "sports_hall": "ПВР, спорткомплекс «{w}»",
    "children_camp": "ПВР, детский лагерь «{w}»",
    "cultural_centre": "ПВР, дом культуры «{w}»",
}
BRAND_WORDS = (
    "Орлёнок",
    "Солнечный",
    "Сосновый бор",
    "Лесная поляна",
    "Дружба",
    "Юность",
    "Олимп",
    "Заря",
    "Родник",
    "Берёзка",
    "Спутник",
    "Радуга",
    "Ромашка",
    "Восход",
    "Парус",
)


@dataclass(frozen=True)
class SitePlan:
    name: str
    region: str
    district_slug: str | None
    address: str
    lat: float
    lon: float
    kind: str
    capacity: int
    wheelchair: bool
    medical: bool
    children: bool
    pets: bool
    opens_at: datetime | None  # None: stays on standby


def plan_shelters(
    rng: random.Random,
    *,
    scale: float,
    start: datetime,
    affected_sites: list[tuple[str | None, str, float, float]],
    region_sites: dict[str, tuple[str, float, float]],
    standby_regions: list[str],
) -> list[SitePlan]:
    """Shelters: (district slug, town, lat, lon) sites in the affected region; capitals elsewhere."""
    fake = Faker("ru_RU")
    fake.seed_instance(rng.randint(0, 2**31))
    plans: list[SitePlan] = []

    def count(n: int) -> int:
        return max(1, round(n * scale))

    # Affected region: half the shelters in the regional capital (the first site).
    n_aff = count(OPEN_IN_AFFECTED)
    sites = [
        affected_sites[0] if i % 2 == 0 else rng.choice(affected_sites[1:] or affected_sites)
        for i in range(n_aff)
    ]
    opened = [start + timedelta(hours=2 + 52 * i / n_aff) for i in range(n_aff)]
    plans += _shelters(rng, fake, "RU-KRS", sites, opened, AFFECTED_CAPACITY * scale)

    n_else = count(OPEN_ELSEWHERE)
    weights = [1 / (1 + i / 4) for i in range(len(RECEIVING_REGIONS))]
    regions = list(RECEIVING_REGIONS)
    picks = regions[: min(n_else, len(regions))] + rng.choices(
        regions, weights=weights, k=max(0, n_else - len(regions))
    )
    for code in sorted(set(picks), key=regions.index):
        k = picks.count(code)
        town, lat, lon = region_sites[code]
        opened = [start + timedelta(hours=30 + rng.uniform(0, 96)) for _ in range(k)]
        share = ELSEWHERE_CAPACITY * scale * k / n_else
        plans += _shelters(rng, fake, code, [(None, town, lat, lon)] * k, opened, share)

    n_standby = count(STANDBY)
    territories = standby_regions[: min(STANDBY_TERRITORIES, n_standby)]
    for i, code in enumerate(
        territories + rng.choices(territories, k=n_standby - len(territories))
    ):
        del i
        town, lat, lon = region_sites[code]
        plans += _shelters(
            rng, fake, code, [(None, town, lat, lon)], [None], STANDBY_CAPACITY * scale / n_standby
        )
    return plans


def _shelters(
    rng: random.Random,
    fake: Faker,
    region: str,
    sites: list[tuple[str | None, str, float, float]],
    opens: list[datetime | None],
    total_capacity: float,
) -> list[SitePlan]:
    drafts = []
    for (district, town, lat, lon), opens_at in zip(sites, opens, strict=True):
        kind, low, high, wheel, med = rng.choice(KINDS)
        drafts.append(
            (district, town, lat, lon, opens_at, kind, rng.randint(low, high), wheel, med)
        )
    # Scale the drawn sizes so the group's places add up to the planned total.
    factor = total_capacity / sum(d[6] for d in drafts)
    out = []
    for district, town, lat, lon, opens_at, kind, places, wheel, med in drafts:
        label = KIND_LABEL_RU[kind].format(n=rng.randint(1, 60), w=rng.choice(BRAND_WORDS))
        out.append(
            SitePlan(
                name=f"{label}, {town}",
                region=region,
                district_slug=district,
                address=f"{town}, {fake.street_address()}",
                lat=round(lat + rng.uniform(-0.04, 0.04), 5),
                lon=round(lon + rng.uniform(-0.06, 0.06), 5),
                kind=kind,
                capacity=max(10, round(places * factor)),
                wheelchair=rng.random() < wheel,
                medical=rng.random() < med,
                children=rng.random() < 0.45,
                pets=rng.random() < 0.15,
                opens_at=opens_at,
            )
        )
    return out
