from collections import Counter
from datetime import datetime, timedelta, timezone

from refuge.core.population.evacuation import (
    KURSK_2024_DAILY,
    Evacuation,
    Origin,
    ReceptionSite,
    daily_windows,
)
from refuge.core.population.names import patronymic, surname_for

MSK = timezone(timedelta(hours=3))
START = datetime(2024, 8, 6, 8, tzinfo=MSK)


def run(scale=0.1, seed=1):
    origins = [Origin(i, f"d{i % 9}", 51.0 + i * 0.01, 35.0, 2000, START) for i in range(40)]
    receptions = [ReceptionSite(1, 51.7, 36.2), ReceptionSite(2, 51.6, 35.3)]
    windows = daily_windows(START + timedelta(days=1), KURSK_2024_DAILY, scale)
    return windows, list(Evacuation(origins, receptions, seed=seed, scale=scale).run(windows))


def test_same_seed_same_people_other_seed_other_people():
    assert run(seed=5)[1] == run(seed=5)[1]
    assert run(seed=5)[1] != run(seed=6)[1]


def test_each_window_gets_its_share_of_the_curve():
    windows, departures = run(scale=0.2)
    for w in windows:
        persons = sum(d.household.size for d in departures if w.start <= d.left_at < w.end)
        assert w.persons <= persons < w.persons + 8  # the last household may overshoot


def test_about_eight_per_cent_go_to_shelters_two_thirds_in_the_region():
    _, departures = run(scale=0.3)
    persons = sum(d.household.size for d in departures)
    sheltered = [d for d in departures if d.destination == "shelter"]
    in_shelters = sum(d.household.size for d in sheltered)
    assert abs(in_shelters / persons - 0.082) < 0.004
    in_region = sum(d.household.size for d in sheltered if d.shelter_in_affected_region)
    assert abs(in_region / in_shelters - 0.69) < 0.02


def test_households_look_like_the_border_districts():
    _, departures = run(scale=0.3)
    sizes = [d.household.size for d in departures]
    assert 2.3 < sum(sizes) / len(sizes) < 2.9
    given = Counter(m.given_name for d in departures for m in d.household.members)
    common, rare = given["Александр"] + given["Татьяна"], given["Пров"] + given["Аполлон"]
    assert common > 20 * max(1, rare)


def test_patronymics_and_surnames_follow_russian_rules():
    assert patronymic("Сергей", "M") == "Сергеевич"
    assert patronymic("Василий", "F") == "Васильевна"
    assert patronymic("Илья", "F") == "Ильинична"
    assert patronymic("Михаил", "M") == "Михайлович"
    assert patronymic("Иван", "F") == "Ивановна"
    assert surname_for("Иванов", "F") == "Иванова"
    assert surname_for("Вишневский", "F") == "Вишневская"
    assert surname_for("Шевченко", "F") == "Шевченко"
    assert surname_for("Иванов", "M") == "Иванов"
