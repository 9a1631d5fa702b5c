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

from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from refuge.accounts.scope import Actor, households_for
from refuge.audit.actions import do_record
from refuge.audit.models import AuditEvent
from refuge.core.linkage.records import PersonRecord
from refuge.movements.models import Movement
from refuge.operations.models import Operation
from refuge.registry.actions import MemberData
from refuge.registry.models import Destination, Household, Person
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


def typed_as_saved(household_id: int, members: Sequence[MemberData]) -> bool:
    """Whether the members as typed are the household's people as saved (same order)."""
    saved = Person.objects.filter(household_id=household_id).order_by("pk")
    as_saved = [
        MemberData(
            given_name=p.given_name,
            family_name=p.family_name,
            patronymic=p.patronymic,
            sex=p.sex,
            birth_year=p.birth_year,
            birth_month=p.birth_month,
            birth_day=p.birth_day,
        )  # fmt: skip
        for p in saved
    ]
    stripped = [
        MemberData(
            given_name=m.given_name.strip(),
            family_name=m.family_name.strip(),
            patronymic=m.patronymic.strip(),
            sex=m.sex,
            birth_year=m.birth_year,
            birth_month=m.birth_month,
            birth_day=m.birth_day,
        )  # fmt: skip
        for m in members
    ]
    return _fingerprint(as_saved) == _fingerprint(stripped)


def _fingerprint(members: Sequence[MemberData]) -> str:
    typed = [
        (m.family_name, m.given_name, m.patronymic, m.sex, m.birth_year, m.birth_month, m.birth_day)
        for m in members
    ]
    return hashlib.sha256(repr(typed).encode()).hexdigest()[:32]


def member_record(index: int, m: MemberData, phone: str = "") -> PersonRecord:
    return PersonRecord(
        record_id=f"member-{index}",
        given_name=m.given_name.strip(),
        patronymic=m.patronymic.strip(),
        family_name=m.family_name.strip(),
        sex=m.sex,
        birth_date=keys.birth_date(m.birth_year, m.birth_month, m.birth_day),
        phone=phone.strip(),
        document_number=m.document_number.strip(),
    )


def find_possible_duplicates(
    members: Sequence[MemberData], operation: Operation, phone: str = ""
) -> list[PossibleDuplicate]:
    """Every registered person the members may be, in any reception point's records.

    Not for showing as it is: `possible_duplicates_for` decides what the registrar sees.
    """
    records = [member_record(i, m, phone) for i, m in enumerate(members)]
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


# --- what the registrar is shown -------------------------------------------------------
# A registrar's scope is their reception point's households (accounts/scope.py). A
# possible duplicate inside it is shown in full, so they can tell whether it is the same
# family and add the newcomers to it. One outside it is shown as a bare fact, "someone
# much like X is registered elsewhere", and goes to the tracing officers' queue: the desk
# must not be a way to look people up across reception points (docs/DATA-PROTECTION.md).

REASONS = {
    ("given_name", "exact"): gettext_lazy("same given name"),
    ("given_name", "same-identity"): gettext_lazy("same given name in another spelling or form"),
    ("given_name", "one-edit"): gettext_lazy("given name one letter apart"),
    ("given_name", "jaro-winkler>=0.85"): gettext_lazy("similar given name"),
    ("family_name", "exact"): gettext_lazy("same family name"),
    ("family_name", "gender-form-or-transliteration"): gettext_lazy(
        "same family name in another spelling or gender form"
    ),
    ("family_name", "one-edit"): gettext_lazy("family name one letter apart"),
    ("family_name", "jaro-winkler>=0.85"): gettext_lazy("similar family name"),
    ("patronymic", "exact"): gettext_lazy("same patronymic"),
    ("patronymic", "same-father"): gettext_lazy("patronymic from the same father's name"),
    ("patronymic", "similar"): gettext_lazy("similar patronymic"),
    ("birth_date", "exact"): gettext_lazy("same birth date"),
    ("birth_date", "day-month-swapped"): gettext_lazy("same birth date with day and month swapped"),
    ("birth_date", "one-typo"): gettext_lazy("birth date one typing slip apart"),
    ("birth_date", "partial-agrees"): gettext_lazy("birth date agrees as far as it is known"),
    ("birth_date", "year-within-1-or-partial-slip"): gettext_lazy("nearly the same birth year"),
    ("phone", "exact"): gettext_lazy("same phone"),
    ("phone", "one-edit"): gettext_lazy("phone one digit apart"),
    ("document_number", "exact"): gettext_lazy("same document number"),
    ("document_number", "one-edit"): gettext_lazy("document number one character apart"),
    ("residence", "same-settlement"): gettext_lazy("from the same settlement"),
}


def plain_reasons(evidence: dict[str, object]) -> list[str]:
    """The evidence for a match in plain words, strongest first; evidence against is left out."""
    rows = sorted(evidence.get("evidence") or [], key=lambda row: -float(row[2]))  # type: ignore[attr-defined]
    said = [
        str(REASONS[(c, level)])
        for c, level, weight in rows
        if weight > 0 and (c, level) in REASONS
    ]
    if evidence.get("swapped_names"):
        said.insert(0, _("given and family names written the other way round"))
    return said


@dataclass(frozen=True)
class LooksLike:
    """One member as typed beside the registered person they look like."""

    typed: str
    full_name: str
    birth_date: str
    reasons: list[str]


@dataclass
class FamilyMatch:
    """A household in the registrar's scope that members of the new one look like."""

    household_id: int
    whereabouts: str
    people: list[LooksLike]
    members_there: set[int]  # indexes of the members being registered who look like someone here
    person_ids: set[int] = field(default_factory=set)  # the household's people shown
    newcomers: int = 0


@dataclass
class DuplicateReport:
    families: list[FamilyMatch]
    elsewhere: list[str]  # members as typed who look like someone outside the scope
    shown_here: list[ShownDuplicate]  # pairs within the scope, shown in full
    shown_elsewhere: list[ShownDuplicate]  # pairs outside it: never put into the page

    @property
    def shown(self) -> list[ShownDuplicate]:
        """Every pair, in scope or not: what the review queue gets if the registrar saves."""
        return self.shown_here + self.shown_elsewhere

    def __bool__(self) -> bool:
        return bool(self.shown)

    def family(self, household_id: int) -> FamilyMatch | None:
        return next((f for f in self.families if f.household_id == household_id), None)


def possible_duplicates_for(
    actor: Actor, members: Sequence[MemberData], phone: str = ""
) -> DuplicateReport:
    """What this registrar may be told about people like the members, each disclosure audited."""
    operation = actor.membership.operation  # type: ignore[union-attr]
    found = find_possible_duplicates(members, operation, phone)
    if not found:
        return DuplicateReport([], [], [], [])
    ids = {d.household_id for d in found}
    mine = {
        h.pk: h
        for h in households_for(actor).filter(pk__in=ids).select_related("destination_region")
    }
    families: dict[int, FamilyMatch] = {}
    elsewhere: dict[int, str] = {}
    for d in found:
        typed = typed_name(members[d.member_index])
        if d.household_id in mine:
            family = families.get(d.household_id) or families.setdefault(
                d.household_id,
                FamilyMatch(d.household_id, whereabouts(mine[d.household_id]), [], set()),
            )
            family.people.append(
                LooksLike(typed, d.full_name, d.birth_date, plain_reasons(d.evidence))
            )
            family.members_there.add(d.member_index)
            family.person_ids.add(d.person_id)
        else:
            elsewhere.setdefault(d.member_index, typed)
        _audit_disclosure(actor, d, shown_in_full=d.household_id in mine)
    for family in families.values():
        family.newcomers = len(members) - len(family.members_there)
    here = [d.shown() for d in found if d.household_id in mine]
    away = [d.shown() for d in found if d.household_id not in mine]
    return DuplicateReport(list(families.values()), list(elsewhere.values()), here, away)


def keep_shown(
    session: SessionBase, report: DuplicateReport, key: object, members: Sequence[MemberData]
) -> str:
    """Remember what the page showed, for saving without a second check.

    The pairs within the scope travel in the page, signed (`seal`); those outside it
    would give away person ids, so they wait in the registrar's session.
    """
    session[_session_key(key)] = {
        "members": _fingerprint(members),
        "pairs": [
            [d.member_index, d.person_id, d.probability, d.evidence] for d in report.shown_elsewhere
        ],
    }
    return seal(report.shown_here, key, members)


def shown_before(
    session: SessionBase, token: str, key: object, members: Sequence[MemberData]
) -> list[ShownDuplicate] | None:
    """Every pair the page showed for these members, or None if it cannot tell."""
    here = unseal(token, key, members)
    away = session.get(_session_key(key))
    if here is None or not away or away.get("members") != _fingerprint(members):
        return None
    return here + [ShownDuplicate(i, pid, p, ev) for i, pid, p, ev in away["pairs"]]


def _session_key(key: object) -> str:
    return f"desk-shown-elsewhere:{key}"


def _audit_disclosure(actor: Actor, d: PossibleDuplicate, shown_in_full: bool) -> None:
    summary = (
        "shown at registration as a possible duplicate: name, birth date, household, whereabouts"
        if shown_in_full
        else "possible duplicate outside the registrar's scope: told only that someone like "
        "the person typed is registered elsewhere; queued for tracing if saved"
    )
    do_record(
        actor=actor,
        action=AuditEvent.Action.VIEW_PERSON,
        object_type="person",
        object_id=d.person_id,
        summary=summary,
    )


def typed_name(m: MemberData) -> str:
    return " ".join(p for p in (m.family_name.strip(), m.given_name.strip()) if p)


LEFT_FOR = {
    Movement.CheckOutTo.RELATIVES: gettext_lazy("relatives"),
    Movement.CheckOutTo.OWN_HOUSING: gettext_lazy("own housing"),
    Movement.CheckOutTo.HOSPITAL: gettext_lazy("hospital"),
    Movement.CheckOutTo.OTHER_SHELTER: gettext_lazy("another shelter"),
    Movement.CheckOutTo.HOME: gettext_lazy("home"),
}


def whereabouts(household: Household) -> str:
    """Where an earlier registered household went, in the registrar's words."""
    K = Movement.Kind
    last = (
        Movement.objects.effective()
        .filter(household=household, kind__in=(K.ASSIGNED, K.RELEASED, K.CHECKED_IN, K.CHECKED_OUT))
        .select_related("shelter")
        .order_by("-at", "-pk")
        .first()
    )
    region = household.destination_region.name if household.destination_region else "—"
    if last is not None and last.kind in (K.ASSIGNED, K.CHECKED_IN):
        return _("shelter %(name)s") % {"name": last.shelter.name}
    if last is not None and last.kind == K.CHECKED_OUT:
        to = str(LEFT_FOR.get(last.destination, last.destination))
        return _("left shelter %(name)s for %(to)s") % {"name": last.shelter.name, "to": to}
    if household.destination == Destination.RELATIVES:
        return _("relatives in %(region)s") % {"region": region}
    if household.destination == Destination.OWN_HOUSING:
        return _("own housing in %(region)s") % {"region": region}
    return _("a shelter, no places held yet")
