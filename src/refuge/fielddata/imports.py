"""Checking and applying a Kobo/ODK export: a dry run first, then all-or-nothing batches.

`check` turns each submission into the registry's `Registration` or into findings that
name the sheet, the row and the column; nothing is written. `apply` registers the
accepted submissions a batch at a time, each batch one transaction holding the
households, their members, their ledger events (`left_home` when they left,
`registered` at the submission's time), their blocking keys and the review queue's
pairs for possible duplicates (the desk's duplicate check; nothing merged). The
submission's uuid is the household's idempotency key, so a second import of the same
file, an overlapping later export, or an import killed half-way and run again adds
nothing twice and leaves no gap: committed batches are skipped, the rest done.
Shelter-bound households join the placement queue (`/placement/`), as the desk's
households do when no shelter was picked.
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
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from refuge.accounts.scope import Actor
from refuge.audit.actions import do_record
from refuge.audit.models import AuditEvent
from refuge.desks.duplicates import find_possible_duplicates
from refuge.desks.forms import parse_birth_date
from refuge.fielddata.exports import Submission, read_tables, submissions
from refuge.geo.models import Settlement
from refuge.movements.models import Movement
from refuge.operations.models import Operation
from refuge.operations.selectors import coverage_start
from refuge.registry.actions import NEEDS, MemberData, Registration, do_register_household
from refuge.registry.models import Destination, Household, ReceptionPoint
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
    for start in range(0, len(todo), BATCH):
        with transaction.atomic():
            batch = todo[start : start + BATCH]
            for registration in batch:
                created += _register(operation, registration, actor)
            do_record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                object_type="import",
                object_id=file_hash[:16],
                summary=f"imported rows {start + 1}-{start + len(batch)} of {file_name} "
                f"(sha256 {file_hash})",
            )
        progress(start + len(batch), len(todo))
    return created


def _register(operation: Operation, r: Registration, actor: Actor) -> int:
    found = find_possible_duplicates(r.members, operation, r.phone)
    household, new = do_register_household(
        operation=operation, registration=r, recorded_by=actor.user
    )
    if not new:
        return 0
    people = keys.index_household(household.pk)
    keys.queue_for_review(
        operation.pk,
        [
            keys.ReviewPair(people[d.member_index], d.person_id, d.probability, d.evidence)
            for d in found
        ],
    )
    return 1
