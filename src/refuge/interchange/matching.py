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

# Persons matched per check: the candidate query and the features are per chunk, and
# names repeat across a feed, so larger chunks did less work per person.
CHUNK = 1000
PER_RECORD = 5


# The fields matching reads: loading whole rows as model instances was a fifth of it.
MATCHED_FIELDS = (
    "pk", "record_id", "given_name", "family_name", "full_name", "sex", "date_of_birth",
    "home_city",
)  # fmt: skip


def external_record(external: ExternalPerson) -> PersonRecord:
    return _record(*(getattr(external, name) for name in MATCHED_FIELDS[1:]))


def _record(
    record_id: str, given: str, family: str, full_name: str, sex: str, born_text: str, city: str
) -> PersonRecord:
    given, family = given.strip(), family.strip()
    if not (given or family):
        # full_name in no particular order: the engine also reads names crosswise.
        words = full_name.split()
        given, family = (words[0], " ".join(words[1:])) if len(words) > 1 else ("", "".join(words))
    try:
        born = BirthDate.parse(born_text or "")
    except BadBirthDate:
        born = None
    return PersonRecord(
        record_id=record_id,
        given_name=given,
        family_name=family,
        sex=sex,
        birth_date=born,
        settlement=city,
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
    rows = ExternalPerson.objects.filter(pk__in=ids).order_by("pk").values_list(*MATCHED_FIELDS)
    named = [(row[0], _record(*row[1:])) for row in rows if row[2] or row[3] or row[4]]
    named_ids = {pk for pk, _ in named}
    emptied = [pk for pk in ids if pk not in named_ids]
    PossibleMatch.objects.filter(external_id__in=emptied).delete()  # expired or withdrawn
    if not named:
        return 0
    found = keys.check(
        [record for _, record in named],
        operation_id=None,
        limit=PER_RECORD,
        min_probability=REVIEW_PROBABILITY,
    )
    rows_out = [
        PossibleMatch(
            external_id=pk,
            person_id=m.person.person_id,
            score=m.probability,
            reasons=m.reasons()[:500],
        )
        for (pk, _), matches in zip(named, found, strict=True)
        for m in matches
    ]
    held = PossibleMatch.objects.filter(external_id__in=named_ids).count()
    PossibleMatch.objects.bulk_create(rows_out, ignore_conflicts=True)
    return PossibleMatch.objects.filter(external_id__in=named_ids).count() - held
