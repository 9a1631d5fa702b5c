from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from refuge.core.sitrep import (
    NOT_YET_REGISTERED,
    DepartureCount,
    ShelterState,
    SitrepInput,
    build_sitrep,
)

AS_OF = datetime(2024, 8, 19, 5, 0, tzinfo=UTC)


def shelter(pk, region, status, capacity, occupants=0):
    return ShelterState(pk, region, status, capacity, occupants)


def report(departures=(), shelters=(), districts=("Sudzhansky", "Korenevsky")):
    return build_sitrep(
        SitrepInput(
            operation="Test",
            as_of=AS_OF,
            affected_region="RU-KRS",
            districts=districts,
            departures=tuple(departures),
            shelters=tuple(shelters),
        )
    )


def test_departures_add_up_by_district_mode_and_window():
    r = report(
        [
            DepartureCount("Sudzhansky", "own", False, 100),
            DepartureCount("Sudzhansky", "own", True, 7),
            DepartureCount("Sudzhansky", "organised", True, 3),
            DepartureCount("Korenevsky", "organised", False, 50),
        ]
    )
    e = r.evacuation
    assert (e.relocated_total, e.relocated_last_24h) == (160, 10)
    assert (e.on_own_last_24h, e.organised_last_24h) == (7, 3)
    assert [(d.district, d.relocated_total, d.relocated_last_24h) for d in e.by_district] == [
        ("Sudzhansky", 110, 10),
        ("Korenevsky", 50, 0),
    ]


def test_a_district_without_an_order_still_gets_a_line():
    r = report([DepartureCount("Kurchatovsky", "own", True, 4)])
    assert r.evacuation.districts == 2
    assert r.evacuation.by_district[-1].district == "Kurchatovsky"
    assert r.evacuation.relocated_total == 4


def test_shelters_split_into_affected_other_and_standby():
    r = report(
        shelters=[
            shelter(1, "RU-KRS", "open", 100, 80),
            shelter(2, "RU-KRS", "full", 50, 50),
            shelter(3, "RU-KRS", "standby", 70),
            shelter(4, "RU-BEL", "open", 40, 10),
            shelter(5, "RU-ORL", "closed", 40, 0),
            shelter(6, "RU-TUL", "standby", 30),
            shelter(7, "RU-KRS", "unknown", 99),
        ]
    )
    assert (r.affected.open, r.affected.occupants, r.affected.capacity) == (2, 130, 150)
    assert (r.other_regions.open, r.other_regions.occupants) == (1, 10)
    assert r.other_region_count == 1
    assert (r.standby_shelters, r.standby_capacity, r.standby_territories) == (2, 100, 2)
    assert [line.region for line in r.by_region] == ["RU-KRS", "RU-BEL", "RU-TUL"]


def test_destinations_split_shelters_from_everyone_else():
    r = report(
        [
            DepartureCount("Sudzhansky", "own", False, 8, "shelter"),
            DepartureCount("Sudzhansky", "own", False, 80, "relatives"),
            DepartureCount("Korenevsky", "organised", True, 12, "own_housing"),
        ]
    )
    assert (r.destinations_shelters, r.destinations_relatives_or_own) == (8, 92)
    assert r.not_yet_registered == 0


def test_people_on_the_road_are_named_not_lost():
    # 122,115 relocated but 112,061 + 10,012 registered: the other 42 left home
    # before the report and reached a reception point only after it.
    r = report(
        [
            DepartureCount("Sudzhansky", "own", False, 112_061, "relatives"),
            DepartureCount("Sudzhansky", "organised", False, 10_012, "shelter"),
            DepartureCount("Korenevsky", "own", True, 42),
        ]
    )
    assert r.evacuation.relocated_total == 122_115
    assert r.not_yet_registered == 42
    assert r.as_json()["destinations"]["not_yet_registered"] == 42


departure_rows = st.lists(
    st.builds(
        DepartureCount,
        district=st.sampled_from(["Sudzhansky", "Korenevsky", "Glushkovsky", "Kurchatovsky"]),
        mode=st.sampled_from(["own", "organised"]),
        recent=st.booleans(),
        persons=st.integers(min_value=0, max_value=50_000),
        destination=st.sampled_from(["shelter", "relatives", "own_housing", NOT_YET_REGISTERED]),
    ),
    max_size=30,
)


@given(departure_rows)
def test_every_person_relocated_is_counted_once_among_the_destinations(rows):
    r = report(rows)
    parts = r.destinations_shelters + r.destinations_relatives_or_own + r.not_yet_registered
    assert parts == r.evacuation.relocated_total == sum(row.persons for row in rows)
    assert sum(d.relocated_total for d in r.evacuation.by_district) == r.evacuation.relocated_total
    assert min(r.destinations_shelters, r.destinations_relatives_or_own, r.not_yet_registered) >= 0


def test_json_has_the_agreed_keys():
    data = report().as_json()
    assert data["as_of"] == "2024-08-19T05:00:00+00:00"
    assert set(data["evacuation"]) >= {
        "districts",
        "relocated_total",
        "relocated_last_24h",
        "organised_last_24h",
        "on_own_last_24h",
        "by_district",
    }
    assert set(data["shelters"]) >= {"affected_region", "other_regions", "standby"}
    assert data["shelters"]["affected_region"]["region"] == "RU-KRS"
    assert set(data["destinations"]) == {"shelters", "relatives_or_own", "not_yet_registered"}
