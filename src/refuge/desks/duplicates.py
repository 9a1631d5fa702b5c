"""Possible duplicates of people about to be registered, found by the linkage engine.

The registrar sees them before saving. The check reads the registry's blocking keys
(`tracing.keys`; every desk writes its registrations' keys as it saves them, so it is
fresh in every process); it scores the candidates with the core's comparisons and
model and keeps the best few per member. The threshold is the review queue's
(docs/LINKAGE.md), and pairs the engine finds a contradiction in are left out. A lower
threshold (0.2) put a warning on 99.8 % of households against the 1.2-million-person
registry of the scale-10 scenario (bench/registration.py). Registrars learn to click
through a warning that is always there, so it would stop protecting the grandmother it
was meant for. For the same reason the model's prior is the one for the operation's
registry (`LinkageModel.against`): trained on 20,000 records, against 1.2 million it
would expect every arrival to be some 55 of them (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core import signing
from django.core.cache import cache

from refuge.core.linkage.records import PersonRecord
from refuge.operations.models import Operation
from refuge.registry.actions import MemberData
from refuge.registry.models import Person
from refuge.tracing import keys
from refuge.tracing.keys import REVIEW_PROBABILITY

DESK_MIN_PROBABILITY = REVIEW_PROBABILITY
PER_MEMBER = 3
# The registry's size only sets the prior, where a factor of ten is 3.3 bits: an
# hour-old count serves as well as a fresh one, and counting 1.2 million persons (a
# third of a second) stays out of nearly every request.
REGISTRY_SIZE_SECONDS = 3600


def registry_size(operation: Operation) -> int:
    """Persons registered in the operation, counted at most once an hour per process."""
    return cache.get_or_set(
        f"desks:registry-size:{operation.pk}",
        lambda: Person.objects.filter(household__operation=operation).count(),
        REGISTRY_SIZE_SECONDS,
    )


@dataclass(frozen=True)
class ShownDuplicate:
    """What the review queue needs of a pair the registrar was shown."""

    member_index: int  # which of the members being registered
    person_id: int
    probability: float
    evidence: dict[str, object] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class PossibleDuplicate:
    member_index: int  # which of the members being registered
    person_id: int
    household_id: int
    full_name: str
    birth_date: str
    probability: float = 0.0
    reasons: str = ""
    evidence: dict[str, object] = field(default_factory=dict, compare=False)

    def shown(self) -> ShownDuplicate:
        return ShownDuplicate(self.member_index, self.person_id, self.probability, self.evidence)


# The confirmation page carries what it showed, signed, so saving does not run the
# check a second time; an edited member list or an old page runs it again.
_SALT = "refuge.desks.shown-duplicates"
_MAX_AGE_S = 3600


def seal(shown: Sequence[ShownDuplicate], key: object, members: Sequence[MemberData]) -> str:
    pairs = [[d.member_index, d.person_id, d.probability, d.evidence] for d in shown]
    payload = {"key": str(key), "members": _fingerprint(members), "pairs": pairs}
    return signing.dumps(payload, salt=_SALT, compress=True)


def unseal(token: str, key: object, members: Sequence[MemberData]) -> list[ShownDuplicate] | None:
    """The pairs a confirmation page showed for these members, or None if it cannot tell."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=_MAX_AGE_S)
    except signing.BadSignature:
        return None
    if payload.get("key") != str(key) or payload.get("members") != _fingerprint(members):
        return None
    return [ShownDuplicate(i, pid, p, evidence) for i, pid, p, evidence in payload["pairs"]]


def _fingerprint(members: Sequence[MemberData]) -> str:
    typed = [
        (m.family_name, m.given_name, m.patronymic, m.sex, m.birth_year, m.birth_month, m.birth_day)
        for m in members
    ]
    return hashlib.sha256(repr(typed).encode()).hexdigest()[:32]


def member_record(index: int, m: MemberData) -> PersonRecord:
    return PersonRecord(
        record_id=f"member-{index}",
        given_name=m.given_name.strip(),
        patronymic=m.patronymic.strip(),
        family_name=m.family_name.strip(),
        sex=m.sex,
        birth_date=keys.birth_date(m.birth_year, m.birth_month, m.birth_day),
    )


def find_possible_duplicates(
    members: Sequence[MemberData], operation: Operation
) -> list[PossibleDuplicate]:
    records = [member_record(i, m) for i, m in enumerate(members)]
    found = keys.check(
        records,
        operation_id=operation.pk,
        limit=PER_MEMBER,
        min_probability=DESK_MIN_PROBABILITY,
        catch_up_first=True,
        contradicted=False,
        registry_size=registry_size(operation),
    )
    out = []
    for i, matches in enumerate(found):
        for m in matches:
            r = m.person.record
            out.append(
                PossibleDuplicate(
                    member_index=i,
                    person_id=m.person.person_id,
                    household_id=m.person.household_id,
                    full_name=" ".join(p for p in (r.family_name, r.given_name, r.patronymic) if p),
                    birth_date=str(r.birth_date or ""),
                    probability=m.probability,
                    reasons=m.reasons(),
                    evidence=m.evidence_json(),
                )
            )
    return out
