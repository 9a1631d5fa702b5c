"""`refuge scenario load ternopil-2024`, then the sitrep of 08:00 on 20 August 2024, as a
duty officer would type them: the fire and its deployment come from the incident log."""

from __future__ import annotations

import json

from tests.scratch import ScratchDatabase

AT_EIGHT = "2024-08-20T08:00+03:00"


def test_the_morning_sitrep_reports_the_depot_fire_from_the_log(scratch: ScratchDatabase) -> None:
    scratch.refuge("migrate", "--verbosity", "0")
    scratch.refuge("scenario", "load", "ternopil-2024")
    args = ("sitrep", "--operation", "ternopil-2024", "--as-of", AT_EIGHT)
    report = json.loads(scratch.refuge(*args, "--format", "json").stdout)["incidents"]
    (fire,) = report["open"]
    assert fire["kind"] == "fire" and fire["dead"] == 0 and fire["injured"] == 0
    assert fire["personnel"] >= 90 and fire["units"] >= 20
    assert report["deployed"]["special"] == {"fire_train": 2}
    (warning,) = report["warnings_in_force"]  # Kyiv's all clear came at 05:41
    assert warning["response"] == "shelter_in_place"
    # Three hours earlier fewer were there, and by the evening the fire was closed:
    # figures from the log's rows, not constants.
    early = json.loads(
        scratch.refuge("sitrep", "--operation", "ternopil-2024", "--as-of",
                       "2024-08-20T03:30+03:00", "--format", "json").stdout
    )["incidents"]  # fmt: skip
    assert early["deployed"]["personnel"] == 46
    assert len(early["warnings_in_force"]) == 1  # Kyiv's air-raid alert; no smoke warning yet
    late = json.loads(
        scratch.refuge("sitrep", "--operation", "ternopil-2024", "--as-of",
                       "2024-08-20T20:00+03:00", "--format", "json").stdout
    )["incidents"]  # fmt: skip
    assert late["open"] == [] and late["deployed"]["personnel"] == 0
    assert len(late["closed_last_24h"]) == 1
    text = {lang: scratch.refuge(*args, "--lang", lang).stdout for lang in ("en", "ru", "uk")}
    assert "94 personnel and 22 units" in text["en"]
    assert "Stay inside, smoke: Ternopil" in text["en"]
    assert "личный состав — 94, единиц техники — 22" in text["ru"]
    assert "Оставайтесь дома, задымление: Тернополь" in text["ru"]
    assert "особовий склад — 94, одиниць техніки — 22" in text["uk"]
    assert "Залишайтеся вдома, задимлення: Тернопіль" in text["uk"]
    html = scratch.refuge(*args, "--format", "html", "--lang", "uk").stdout
    assert 'id="incidents"' in html and "пожежні поїзди: 2" in html
