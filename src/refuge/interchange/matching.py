"""Imported PFIF persons matched against the registry, for a tracing officer to review.

A partner's record is a claim about someone ("looking for X", "X was seen safe"); the
registration desk's duplicate check (`tracing.keys`) says which registered persons it
may describe, and each becomes a `PossibleMatch`. Nothing is merged or answered here.
"""

from __future__ import annotations

from collections.abc import Sequence

from refuge.core.linkage.engine import REVIEW_PROBABILITY
from refuge.core.linkage.records import BadBirthDate, BirthDate, PersonRecord
from refuge.interchange.models import ExternalPerson, PossibleMatch
from refuge.tracing import keys

CHUNK = 200
PER_RECORD = 5


def external_record(external: ExternalPerson) -> PersonRecord:
    given, family = external.given_name.strip(), external.family_name.strip()
    if not (given or family):
        # full_name in no particular order: the engine also reads names crosswise.
        words = external.full_name.split()
        given, family = (words[0], " ".join(words[1:])) if len(words) > 1 else ("", "".join(words))
    try:
        born = BirthDate.parse(external.date_of_birth or "")
    except BadBirthDate:
        born = None
    return PersonRecord(
        record_id=external.record_id,
        given_name=given,
        family_name=family,
        sex=external.sex,
        birth_date=born,
        settlement=external.home_city,
    )


def do_match_imported(external_ids: Sequence[int]) -> int:
    """Create PossibleMatch rows for imported persons; returns how many were created.

    Reads the imported persons a chunk at a time, so a feed of 100,000 is never all
    in memory as model instances.
    """
    keys.catch_up()
    created = 0
    for start in range(0, len(external_ids), CHUNK):
        created += _match_chunk(external_ids[start : start + CHUNK])
    return created


def _match_chunk(ids: Sequence[int]) -> int:
    externals = list(ExternalPerson.objects.filter(pk__in=ids).order_by("pk"))
    named = [e for e in externals if e.given_name or e.family_name or e.full_name]
    named_ids = {e.pk for e in named}
    emptied = [e.pk for e in externals if e.pk not in named_ids]
    PossibleMatch.objects.filter(external_id__in=emptied).delete()  # expired or withdrawn
    if not named:
        return 0
    found = keys.check(
        [external_record(e) for e in named],
        operation_id=None,
        limit=PER_RECORD,
        min_probability=REVIEW_PROBABILITY,
    )
    rows = [
        PossibleMatch(
            external=e, person_id=m.person.person_id, score=m.probability, reasons=m.reasons()[:500]
        )
        for e, matches in zip(named, found, strict=True)
        for m in matches
    ]
    held = PossibleMatch.objects.filter(external_id__in=named_ids).count()
    PossibleMatch.objects.bulk_create(rows, ignore_conflicts=True)
    return PossibleMatch.objects.filter(external_id__in=named_ids).count() - held
