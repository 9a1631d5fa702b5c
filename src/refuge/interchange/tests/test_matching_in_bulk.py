"""The import's matching, done a thousand persons at a time, queues the same pairs as
asking the desk's duplicate check about each imported person on their own.

The registry and the feed are drawn from one synthetic population (the linkage
generator: Cyrillic and Latin spellings, diminutives, typos, partial birth dates,
namesakes), so many imported persons have a true match registered and some only a
namesake.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from refuge.conftest import msk
from refuge.core import pfif
from refuge.core.linkage.engine import REVIEW_PROBABILITY
from refuge.core.linkage.generator import generate
from refuge.core.linkage.records import PersonRecord
from refuge.geo.models import Settlement
from refuge.interchange import matching
from refuge.interchange.matching import do_match_imported, external_record
from refuge.interchange.models import ExternalPerson, PossibleMatch
from refuge.interchange.pfif import do_import_pfif
from refuge.registry.actions import MemberData, Registration, do_register_households
from refuge.tracing import keys

NOW = datetime(2024, 9, 1, tzinfo=UTC)


def member(typed: PersonRecord) -> MemberData:
    born = typed.birth_date
    return MemberData(
        given_name=typed.given_name,
        family_name=typed.family_name,
        patronymic=typed.patronymic,
        sex={"f": "F", "m": "M"}.get(typed.sex, ""),
        birth_year=born.year if born else None,
        birth_month=born.month if born else None,
        birth_day=born.day if born else None,
        document_number=typed.document_number,
    )


def register_all(operation, reception_point, typed: list[PersonRecord]) -> None:  # type: ignore[no-untyped-def]
    """Households of one and of seven, alternately."""
    sudzha = Settlement.objects.get(name_ru="Суджа")
    start, size = 0, 1
    registrations = []
    while start < len(typed):
        registrations.append(
            Registration(
                reception_point=reception_point,
                origin=sudzha,
                left_at=msk(10, 8),
                mode="own",
                registered_at=msk(10, 12),
                destination="relatives",
                members=[member(t) for t in typed[start : start + size]],
            )  # fmt: skip
        )
        start, size = start + size, 8 - size
    do_register_households(operation=operation, registrations=registrations)
    keys.index_all()


def feed(typed: list[PersonRecord]) -> list[pfif.PersonRecord]:
    out = []
    for n, t in enumerate(typed):
        born = t.birth_date
        out.append(
            pfif.PersonRecord(
                f"poisk.partner.example/{t.record_id}",
                NOW - timedelta(days=1, seconds=n),
                full_name=" ".join(p for p in (t.family_name, t.given_name) if p),
                given_name=t.given_name if n % 5 else "",  # some give only a full name
                family_name=t.family_name if n % 5 else "",
                sex={"f": "female", "m": "male"}.get(t.sex, ""),
                date_of_birth="-".join(
                    f"{v:02d}" for v in (born.year, born.month, born.day) if v is not None
                )
                if born
                else "",
                home_city=t.settlement,
            )
        )
    return out


def pairs_one_by_one(external_ids: list[int]) -> set[tuple[int, int, float, str]]:
    """What asking the desk's check about each imported person alone would queue."""
    pairs = set()
    for external in ExternalPerson.objects.filter(pk__in=external_ids):
        if not (external.given_name or external.family_name or external.full_name):
            continue
        (found,) = keys.check(
            [external_record(external)],
            operation_id=None,
            limit=matching.PER_RECORD,
            min_probability=REVIEW_PROBABILITY,
        )
        pairs |= {
            (external.pk, m.person.person_id, round(m.probability, 9), m.reasons()[:500])
            for m in found
        }
    return pairs


def test_matching_in_chunks_queues_exactly_the_pairs_of_one_by_one(
    operation, reception_point, monkeypatch
):
    typed = generate(500, seed=1948).records
    register_all(operation, reception_point, typed[0::2])
    result = do_import_pfif(feed(typed[1::2]), now=NOW)
    expected = pairs_one_by_one(result.stored_ids)
    monkeypatch.setattr(matching, "CHUNK", 128)  # several chunks, the last one short
    created = do_match_imported(result.stored_ids)
    queued = {
        (m.external_id, m.person_id, round(m.score, 9), m.reasons)
        for m in PossibleMatch.objects.all()
    }
    assert created == len(queued)
    assert len({external for external, *_ in expected}) > 60  # many persons have matches
    assert queued == expected
