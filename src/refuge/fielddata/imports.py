"""Checking and applying a Kobo/ODK export: a dry run first, then all-or-nothing batches.

`check` turns each submission into the registry's `Registration` or into findings that
name the sheet, the row and the column; nothing is written. `apply` registers the
accepted submissions a batch at a time, each batch one transaction holding the
households, their members, their ledger events (`left_home` when they left,
`registered` at the submission's time), their blocking keys, the review queue's pairs
for possible duplicates (the desk's duplicate check, done for the batch's members
together with the same result as one household after another; nothing merged) and the
places reserved for shelter-bound households. The submission's uuid is the household's
idempotency key, so a second import of the same file, an overlapping later export, or
an import killed half-way and run again adds nothing twice and leaves no gap:
committed batches are skipped, the rest done. A shelter-bound household no open shelter
in the importer's scope can take whole joins the placement queue (`/placement/`).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from refuge.accounts.scope import Actor
from refuge.audit.actions import do_record
from refuge.audit.models import AuditEvent
from refuge.core.placement import place_first_come_first_served
from refuge.core.placement.model import Household as Need
from refuge.desks.duplicates import (
    DESK_MIN_PROBABILITY,
    PER_MEMBER,
    member_record,
    registry_size,
)
from refuge.desks.forms import parse_birth_date
from refuge.fielddata.exports import Submission, read_tables, submissions
from refuge.fielddata.selectors import placement_shelters_for
from refuge.geo.models import Settlement
from refuge.movements.models import Movement
from refuge.operations.models import Operation
from refuge.operations.selectors import coverage_start
from refuge.placement.services import ENGINE_WORDS, shelter_offer
from refuge.registry.actions import (
    NEEDS,
    MemberData,
    NewHousehold,
    Registration,
    do_register_new_households,
    person_values,
)
from refuge.registry.models import Destination, Household, Person, ReceptionPoint
from refuge.shelters.actions import Assignment, ShelterRefused, do_assign_many
from refuge.shelters.models import Shelter
from refuge.tracing import keys

PHONE = re.compile(r"^\+?[0-9 ()\-]{4,20}$")
BATCH = 200


@dataclass(frozen=True)
class Finding:
    sheet: str
    row: int
    column: str
    outcome: str  # accepted, rejected, warning, already imported, possible duplicate
    message: str


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    accepted: list[Registration] = field(default_factory=list)
    already: int = 0
    rejected: int = 0

    def add(self, where: tuple[str, int], column: str, outcome: str, message: str) -> None:
        self.findings.append(Finding(where[0], where[1], column, outcome, message))

    def summary(self) -> str:
        return (
            f"{len(self.accepted)} accepted, {self.rejected} rejected, "
            f"{self.already} already imported"
        )


@dataclass
class Places:
    """What an export's ids may point to in this operation, within the importer's scope."""

    settlements: dict[str, Settlement]
    points: dict[str, ReceptionPoint]

    @classmethod
    def of(cls, operation: Operation, points: Iterable[ReceptionPoint]) -> Places:
        settlements = Settlement.objects.filter(pk__in=coverage_start(operation))
        return cls({f"s{s.pk}": s for s in settlements}, {f"p{p.pk}": p for p in points})


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read(path: Path) -> list[Submission]:
    return submissions(read_tables(path))


def check(found: list[Submission], places: Places) -> Report:
    report = Report()
    seen: set[uuid.UUID] = set()
    keys_in_file = [_uuid(s.uuid) for s in found]
    done = set(
        Household.objects.filter(idempotency_key__in=[k for k in keys_in_file if k]).values_list(
            "idempotency_key", flat=True
        )
    )
    for submission, key in zip(found, keys_in_file, strict=True):
        if key is None:
            report.rejected += 1
            report.add(submission.where, "_uuid", "rejected", "no submission uuid")
        elif key in seen:
            report.add(submission.where, "_uuid", "warning", "the same submission twice: kept once")
        elif key in done:
            report.already += 1
            report.add(submission.where, "_uuid", "already imported", "")
        else:
            seen.add(key)
            errors: list[tuple[tuple[str, int], str, str]] = []
            registration = _registration(submission, key, places, errors)
            if errors or registration is None:
                report.rejected += 1
                for where, column, message in errors:
                    report.add(where, column, "rejected", message)
            else:
                report.accepted.append(registration)
                report.add(submission.where, "", "accepted", f"{len(registration.members)} people")
    return report


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        return None


def _registration(
    s: Submission, key: uuid.UUID, places: Places, errors: list[tuple[tuple[str, int], str, str]]
) -> Registration | None:
    v = s.values

    def bad(column: str, message: str) -> None:
        errors.append((s.where, column, message))

    origin = places.settlements.get(v.get("origin", ""))
    if origin is None:
        bad("origin", f"unknown settlement {v.get('origin', '')!r}")
    point = places.points.get(v.get("reception_point", ""))
    if point is None:
        bad(
            "reception_point",
            f"not a reception point you may import into: {v.get('reception_point', '')!r}",
        )
    submitted = _moment(s.submitted_at)
    if submitted is None:
        bad("_submission_time", f"not a date and time: {s.submitted_at!r}")
    left = _moment(v.get("left_at", "")) or submitted
    if v.get("mode") not in Movement.Mode.values:
        bad("mode", f"unknown value {v.get('mode', '')!r}")
    if v.get("destination") not in Destination.values:
        bad("destination", f"unknown value {v.get('destination', '')!r}")
    phone = v.get("phone", "")
    if phone and not PHONE.match(phone):
        bad("phone", "a phone number has 4 to 20 digits")
    members = [_member(m.values, m.where, errors) for m in s.members]
    if not s.members:
        bad("members", "no members")
    size = v.get("household_size", "")
    if size and size != str(len(s.members)):
        bad("household_size", f"says {size} people, the form lists {len(s.members)}")
    if submitted and left and left > submitted:
        bad("left_at", "left home after the submission")
    if errors or origin is None or point is None or submitted is None or left is None:
        return None
    return Registration(
        reception_point=point, origin=origin, left_at=left, mode=v["mode"],
        registered_at=submitted, destination=v["destination"],
        members=[m for m in members if m is not None], phone=phone, idempotency_key=key,
    )  # fmt: skip


def _moment(text: str) -> datetime | None:
    try:
        moment = parse_datetime(text.strip().replace(" ", "T", 1))
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        # Kobo's _submission_time and ODK's SubmissionDate are UTC without saying so.
        moment = moment.replace(tzinfo=UTC)
    return moment


def _member(
    v: dict[str, str], where: tuple[str, int], errors: list[tuple[tuple[str, int], str, str]]
) -> MemberData | None:
    before = len(errors)
    for column in ("family_name", "given_name"):
        if not v.get(column, "").strip():
            errors.append((where, column, "empty"))
    try:
        year, month, day = parse_birth_date(v.get("birth_date", ""))
    except ValidationError as error:
        errors.append((where, "birth_date", error.messages[0].removeprefix("Person 1: ")))
        year = month = day = None
    if v.get("sex", "") not in ("", "F", "M"):
        errors.append((where, "sex", f"unknown value {v['sex']!r}"))
    needs = frozenset(v.get("needs", "").split())
    if unknown := needs - set(NEEDS):
        errors.append((where, "needs", f"unknown needs {' '.join(sorted(unknown))}"))
    if len(errors) > before:
        return None
    return MemberData(
        given_name=v["given_name"], family_name=v["family_name"],
        patronymic=v.get("patronymic", ""), sex=v.get("sex", ""),
        birth_year=year, birth_month=month, birth_day=day, needs=needs,
    )  # fmt: skip


def apply(
    *,
    operation: Operation,
    report: Report,
    actor: Actor,
    file_name: str,
    file_hash: str,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> int:
    """Register the accepted submissions a batch at a time; returns how many were new."""
    todo, created = report.accepted, 0
    shelters = placement_shelters_for(actor, operation)
    candidates = keys.CandidateCache()
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        for attempt in range(3):
            try:
                with transaction.atomic():
                    created += _register_batch(operation, batch, actor, shelters, candidates)
                    do_record(
                        actor=actor,
                        action=AuditEvent.Action.CREATE,
                        object_type="import",
                        object_id=file_hash[:16],
                        summary=f"imported rows {start + 1}-{start + len(batch)} of {file_name} "
                        f"(sha256 {file_hash})",
                    )
                break
            except IntegrityError:
                # Another import registered some of these submissions meanwhile: the
                # batch is rolled back whole and done again without them. The persons
                # it kept for later checks were rolled back too (and SQLite may give
                # their ids again).
                candidates = keys.CandidateCache()
                if attempt == 2:
                    raise
        progress(start + len(batch), len(todo))
    return created


def as_written(
    written: list[NewHousehold], registrations: list[Registration]
) -> list[list[keys.Registered]]:
    """Each new household's persons as the duplicate check reads them, from the values
    just written (reading the batch's own rows back cost a query and a row each)."""
    return [
        keys.as_registered(
            n.household,
            r.origin.name_ru,
            [(pid, person_values(m)) for pid, m in zip(n.person_ids, r.members, strict=True)],
        )
        for n, r in zip(written, registrations, strict=True)
    ]


def _register_batch(
    operation: Operation,
    batch: list[Registration],
    actor: Actor,
    shelters: QuerySet[Shelter],
    candidates: keys.CandidateCache,
) -> int:
    """One batch as the desk would register it one household after another.

    The duplicate check of every member against the registry and the batch's earlier
    households (`keys.BatchCheck`: the same candidates, scores and thresholds as the
    desk's `find_possible_duplicates`), the households written together, their blocking
    keys, the pairs queued for the tracing officers and the shelter-bound households
    placed; the caller's transaction holds it all.
    """
    keys.catch_up()
    done = set(
        Household.objects.filter(
            idempotency_key__in=[r.idempotency_key for r in batch]
        ).values_list("idempotency_key", flat=True)
    )
    fresh = [r for r in batch if r.idempotency_key not in done]
    if not fresh:
        return 0
    check = keys.BatchCheck(
        [[member_record(i, m, r.phone) for i, m in enumerate(r.members)] for r in fresh]
    )
    written = do_register_new_households(
        operation=operation, registrations=fresh, recorded_by=actor.user
    )
    households = [n.household for n in written]
    people = as_written(written, fresh)
    hashed = keys.index_people([p for persons in people for p in persons])
    found = check.matches(
        people, hashed, operation_id=operation.pk, limit=PER_MEMBER,
        min_probability=DESK_MIN_PROBABILITY, contradicted=False,
        registry_size=registry_size(operation), cache=candidates,
    )  # fmt: skip
    keys.queue_for_review(
        operation.pk,
        [
            keys.ReviewPair(persons[i].person_id, m.person.person_id, m.probability,
                            m.evidence_json())
            for persons, members in zip(people, found, strict=True)
            for i, matches in enumerate(members)
            for m in matches
        ],
    )  # fmt: skip
    _place(households, fresh, people, shelters, actor)
    return len(households)


def _place(
    households: list[Household],
    registrations: list[Registration],
    people: list[list[keys.Registered]],
    shelters: QuerySet[Shelter],
    actor: Actor,
) -> None:
    """Reserve places for the batch's shelter-bound households, in registration order.

    Each household whole, in the nearest open shelter (within the importer's scope) that
    has room for all of it and the access its members need, as the desk's suggestion
    does for one household at a time: first come, first served over the batch, so a
    household's shelter does not depend on where a batch starts (a restarted import
    places as an uninterrupted one). A household no shelter can take stays in the
    placement queue. The places are held as of now, when they are taken: dated at the
    submission's time, yesterday's export would look stale to the release of unused
    reservations (`do_release_stale_reservations`) the moment it is imported.
    """
    bound = [
        (h, r, persons)
        for h, r, persons in zip(households, registrations, people, strict=True)
        if r.destination == Destination.SHELTER
    ]
    if not bound:
        return
    needs = [
        Need(
            household_id=str(i),
            size=len(persons),
            origin_lat=r.origin.lat,
            origin_lon=r.origin.lon,
            needs=frozenset().union(*(m.needs for m in r.members)) & ENGINE_WORDS,
        )
        for i, (_, r, persons) in enumerate(bound)
    ]
    now = timezone.now()
    for _attempt in range(3):
        open_now = list(shelters.all())  # free places as they are now, not as cached
        by_id = {str(s.pk): s for s in open_now}
        offers = [shelter_offer(s) for s in open_now if s.free > 0]
        if not offers:
            return
        plan = place_first_come_first_served(needs, offers)
        assignments = [
            Assignment(
                household=h,
                shelter=by_id[sid],
                at=now,
                members=[Person(pk=p.person_id, household_id=h.pk) for p in persons],
            )
            for i, (h, r, persons) in enumerate(bound)
            if (sid := plan.shelter_of(str(i))) is not None
        ]
        try:
            with transaction.atomic():
                do_assign_many(assignments, recorded_by=actor.user)
            return
        except ShelterRefused:
            continue  # a desk took places meanwhile: read the free places again
