"""The foundation's promise, checked the way a coordinator would: with the CLI.

`refuge scenario load kursk-2024` then `refuge sitrep --as-of 2024-08-19T08:00+03:00
--format json` must state the ministry's figures of 19 August 2024, counted from the
ledger, and bad input must end with one line that names the problem.
"""

import json

import pytest


def test_scale_one_states_the_ministrys_figures(kursk_full):
    report = kursk_full.sitrep()
    evac = report["evacuation"]
    assert evac["districts"] == 9
    assert 121_000 <= evac["relocated_total"] <= 123_000
    assert 650 <= evac["relocated_last_24h"] <= 750
    assert evac["organised_last_24h"] + evac["on_own_last_24h"] == evac["relocated_last_24h"]
    assert sum(d["relocated_total"] for d in evac["by_district"]) == evac["relocated_total"]
    home = report["shelters"]["affected_region"]
    assert home["region"] == "RU-KRS"
    assert home["open"] == 84
    assert 6_500 <= home["occupants"] <= 6_800
    assert home["occupants"] <= home["capacity"]
    other = report["shelters"]["other_regions"]
    assert (other["regions"], other["open"]) == (23, 120)
    assert 2_900 <= other["occupants"] <= 3_200
    standby = report["shelters"]["standby"]
    assert (standby["shelters"], standby["territories"]) == (390, 57)
    assert standby["capacity"] >= 19_000
    dest = report["destinations"]
    # Registration follows departure by hours: the last few are not registered yet.
    registered = dest["shelters"] + dest["relatives_or_own"]
    assert (
        evac["relocated_total"] - evac["relocated_last_24h"]
        <= registered
        <= evac["relocated_total"]
    )


def test_shelter_counters_agree_with_the_ledger(kursk_full):
    assert "agree with the ledger" in kursk_full.refuge("reconcile").stdout


def test_a_tenth_of_the_scale_gives_about_a_tenth(kursk_full, kursk_tenth):
    full, tenth = kursk_full.sitrep(), kursk_tenth.sitrep()
    for key in ("relocated_total", "relocated_last_24h"):
        ratio = tenth["evacuation"][key] / full["evacuation"][key]
        assert 0.09 <= ratio <= 0.11, (key, ratio)
    occupants = tenth["shelters"]["affected_region"]["occupants"]
    assert 0.09 <= occupants / full["shelters"]["affected_region"]["occupants"] <= 0.11


def test_an_earlier_moment_gives_less(kursk_tenth):
    later = kursk_tenth.sitrep("2024-08-19T08:00+03:00")
    earlier = kursk_tenth.sitrep("2024-08-10T08:00+03:00")
    assert earlier["evacuation"]["relocated_total"] < later["evacuation"]["relocated_total"]
    first_day = kursk_tenth.sitrep("2024-08-07T12:00+03:00")
    assert first_day["evacuation"]["districts"] < later["evacuation"]["districts"]
    before = kursk_tenth.sitrep("2024-08-01T00:00+03:00")
    assert before["evacuation"]["relocated_total"] == 0
    assert before["shelters"]["affected_region"]["occupants"] == 0


def test_text_report_in_three_languages(kursk_tenth):
    en = kursk_tenth.refuge("sitrep", "--as-of", "2024-08-19T08:00+03:00").stdout
    ru = kursk_tenth.refuge("sitrep", "--as-of", "2024-08-19T08:00+03:00", "--lang", "ru").stdout
    uk = kursk_tenth.refuge("sitrep", "--as-of", "2024-08-19T08:00+03:00", "--lang", "uk").stdout
    assert "relocated" in en and "Sudzhansky" in en
    assert "Суджанский" in ru and "отселено" in ru.lower()
    assert "Суджанський" in uk
    html = kursk_tenth.refuge("sitrep", "--as-of", "2024-08-19T08:00+03:00", "--format", "html")
    assert html.stdout.lstrip().startswith("<!doctype html>")


@pytest.mark.parametrize(
    "args, message",
    [
        (["sitrep", "--operation", "nowhere-2030"], "unknown operation 'nowhere-2030'"),
        (["sitrep", "--as-of", "19/08/2024"], "is not a timestamp"),
        (["sitrep", "--as-of", "2024-13-40T08:00"], "is not a timestamp"),
        (["scenario", "load", "kursk-2024", "--scale", "0"], "--scale must be greater than 0"),
        (["scenario", "load", "kursk-2024", "--scale", "-1"], "--scale must be greater than 0"),
        (["scenario", "load", "kursk-2024"], "already holds an operation"),
        (["scenario", "load", "atlantis"], "invalid choice"),
    ],
)
def test_bad_input_ends_in_one_line_and_changes_nothing(kursk_tenth, args, message):
    before = kursk_tenth.sitrep()
    result = kursk_tenth.refuge(*args, check=False)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert kursk_tenth.sitrep() == before


def test_same_seed_same_data(tmp_path_factory):
    from tests.scratch import loaded

    dumps = []
    for i in range(2):
        db = loaded(tmp_path_factory.mktemp(f"seed{i}"), "--scale", "0.02", "--seed", "7")
        try:
            people = json.loads(db.refuge("dumpdata", "registry.person").stdout)
            for p in people:
                del p["fields"]["updated_at"]  # when the row was written, not what it says
            dumps.append((db.sitrep(), people))
        finally:
            db.drop()
    assert dumps[0] == dumps[1]
