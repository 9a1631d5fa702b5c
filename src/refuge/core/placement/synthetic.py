"""Deterministic synthetic evacuations shaped like Kursk oblast, August 2024.

Households register in border settlements grouped around nine district centres; shelters
are spread over the home region (Kursk oblast) and a wide hinterland of central Russia.
Used by the benchmark and the tests; every figure comes from the seed.
"""

from __future__ import annotations

import numpy as np

from refuge.core.placement.model import Household, Shelter

# District centres of the evacuated border area (lat, lon).
BORDER_DISTRICTS: tuple[tuple[str, float, float], ...] = (
    ("Sudzha", 51.19, 35.27),
    ("Glushkovo", 51.34, 34.64),
    ("Tyotkino", 51.27, 34.30),
    ("Korenevo", 51.41, 34.91),
    ("Rylsk", 51.57, 34.68),
    ("Khomutovka", 51.92, 34.55),
    ("Bolshoye Soldatskoye", 51.35, 35.51),
    ("Belaya", 51.10, 35.76),
    ("Lgov", 51.66, 35.27),
)

# Receiving areas: (region code, lat, lon, spread in degrees, share of shelters).
RECEIVING_AREAS: tuple[tuple[str, float, float, float, float], ...] = (
    ("KUR", 51.73, 36.19, 0.55, 0.40),
    ("ORL", 52.97, 36.07, 0.50, 0.10),
    ("VOR", 51.67, 39.20, 0.60, 0.10),
    ("LIP", 52.60, 39.60, 0.45, 0.08),
    ("TUL", 54.19, 37.62, 0.45, 0.07),
    ("TAM", 52.72, 41.45, 0.45, 0.06),
    ("RYA", 54.63, 39.74, 0.45, 0.05),
    ("KLU", 54.51, 36.26, 0.40, 0.05),
    ("MOS", 55.75, 37.62, 0.60, 0.09),
)

HOUSEHOLD_SIZES = (1, 2, 3, 4, 5, 6, 7)
SIZE_SHARES = (0.28, 0.28, 0.20, 0.13, 0.06, 0.03, 0.02)
WHEELCHAIR_SHARE = 0.04
MEDICAL_SHARE = 0.06
ACCESSIBLE_SHELTER_SHARE = 0.20
MEDICAL_POST_SHARE = 0.15


def evacuation(
    households: int,
    shelters: int,
    capacity_ratio: float,
    seed: int = 2024,
    distinct_origins: bool = False,
) -> tuple[list[Household], list[Shelter]]:
    """distinct_origins: every household at its own geocoded address (within a few km of its
    settlement, to the metre-level grid of a geocoder, no two alike) instead of the
    settlement's centre."""
    rng = np.random.default_rng(seed)
    evacuees = _households(rng, households)
    if distinct_origins:
        evacuees = _own_addresses(rng, evacuees)
    persons = sum(h.size for h in evacuees)
    return evacuees, _shelters(rng, shelters, round(persons * capacity_ratio))


def _households(rng: np.random.Generator, n: int) -> list[Household]:
    settlements = _settlements(rng)
    weight = rng.lognormal(0.0, 1.0, len(settlements))
    origin = rng.choice(len(settlements), size=n, p=weight / weight.sum())
    size = rng.choice(HOUSEHOLD_SIZES, size=n, p=SIZE_SHARES)
    wheelchair = rng.random(n) < WHEELCHAIR_SHARE
    medical = rng.random(n) < MEDICAL_SHARE
    out = []
    for i in range(n):
        lat, lon = settlements[origin[i]]
        needs = frozenset(
            w for w, has in (("wheelchair", wheelchair[i]), ("medical", medical[i])) if has
        )
        out.append(Household(f"H{i + 1:06d}", int(size[i]), lat, lon, needs))
    return out


def _own_addresses(rng: np.random.Generator, evacuees: list[Household]) -> list[Household]:
    n = len(evacuees)
    lat = np.round(np.array([h.origin_lat for h in evacuees]) + rng.normal(0, 0.02, n), 5)
    lon = np.round(np.array([h.origin_lon for h in evacuees]) + rng.normal(0, 0.03, n), 5)
    while True:  # the rare address drawn twice moves one grid step north
        _, first = np.unique(np.stack([lat, lon], axis=1), axis=0, return_index=True)
        again = np.setdiff1d(np.arange(n), first)
        if again.shape[0] == 0:
            break
        lat[again] = np.round(lat[again] + 1e-5, 5)
    return [
        Household(h.household_id, h.size, float(a), float(o), h.needs)
        for h, a, o in zip(evacuees, lat.tolist(), lon.tolist(), strict=True)
    ]


def _settlements(rng: np.random.Generator) -> list[tuple[float, float]]:
    """Villages within ~15 km of each district centre, to a metre-level grid as geocoded."""
    out = []
    for (
        _,
        lat,
        lon,
    ) in BORDER_DISTRICTS:
        for _ in range(int(rng.integers(14, 26))):
            out.append((round(lat + rng.normal(0, 0.08), 5), round(lon + rng.normal(0, 0.12), 5)))
    return out


def _shelters(rng: np.random.Generator, n: int, total_capacity: int) -> list[Shelter]:
    share = np.array([a[4] for a in RECEIVING_AREAS])
    area = rng.choice(len(RECEIVING_AREAS), size=n, p=share / share.sum())
    raw = rng.lognormal(0.0, 0.7, n)
    capacity = np.maximum(1, np.floor(raw / raw.sum() * total_capacity)).astype(int)
    # Whole persons: hand the rounding remainder out one by one to the largest shelters.
    for j in np.argsort(-raw)[: max(0, total_capacity - int(capacity.sum()))]:
        capacity[j] += 1
    accessible = rng.random(n) < ACCESSIBLE_SHELTER_SHARE
    medical_post = rng.random(n) < MEDICAL_POST_SHARE
    out = []
    for j in range(n):
        code, lat, lon, spread, _ = RECEIVING_AREAS[area[j]]
        features = frozenset(
            w for w, has in (("wheelchair", accessible[j]), ("medical", medical_post[j])) if has
        )
        out.append(
            Shelter(
                f"S{j + 1:05d}",
                int(capacity[j]),
                round(float(np.clip(lat + rng.normal(0, spread), -90, 90)), 5),
                round(float(lon + rng.normal(0, spread * 1.6)), 5),
                features,
                code,
            )
        )
    return out
