"""PFIF export of consented registrations and import of partners' records."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, models, transaction

from refuge.core import pfif
from refuge.interchange.models import ExportedPerson, ExternalNote, ExternalPerson
from refuge.operations.models import Operation
from refuge.registry.models import Person

# How long a registration stays shareable; partners must drop it afterwards.
RETENTION = timedelta(days=int(os.environ.get("REFUGE_PFIF_RETENTION_DAYS", "365")))
SAFE_NOTE = (
    "Registered safe at a Refuge reception point. Contact the tracing service to be put in touch."
)


def domain() -> str:
    """This repository's PFIF domain: the part before the slash in our record ids."""
    return os.environ.get("REFUGE_PFIF_DOMAIN", "refuge.invalid")


def person_record_id(person_pk: int) -> str:
    return f"{domain()}/person.{person_pk}"


def export_records(
    operation: Operation, *, now: datetime, since: datetime | None = None
) -> Iterator[pfif.PersonRecord]:
    """Consented persons in full; persons sent before but no longer shareable as placeholders.

    Records come in entry_date order, so a partner can resume from the last one it got.
    Nothing says where a person is staying: the note says only that they are safe.
    """
    people = (
        Person.objects.filter(household__operation=operation)
        .select_related("household__origin", "household__origin__district__region")
        .order_by("updated_at", "pk")
    )
    if since is not None:
        people = people.filter(updated_at__gte=since)
    sent_before = set(ExportedPerson.objects.values_list("person_id", flat=True))
    newly_sent: list[int] = []
    for person in people.iterator(chunk_size=2000):
        record = _record(person)
        if person.consents_to_be_found and not record.expired(now):
            newly_sent.append(person.pk)
            yield record
        elif person.pk in sent_before:
            expiry = record.expiry_date if record.expired(now) else person.updated_at
            yield pfif.PersonRecord(record.person_record_id, person.updated_at, expiry)
    for start in range(0, len(newly_sent), 5000):
        chunk = [pk for pk in newly_sent[start : start + 5000] if pk not in sent_before]
        ExportedPerson.objects.bulk_create(
            [ExportedPerson(person_id=pk) for pk in chunk], ignore_conflicts=True
        )


def _record(person: Person) -> pfif.PersonRecord:
    household = person.household
    origin = household.origin
    record_id = person_record_id(person.pk)
    return pfif.PersonRecord(
        person_record_id=record_id,
        entry_date=person.updated_at,
        expiry_date=household.registered_at + RETENTION,
        author_name="Refuge",
        source_name=f"Refuge: {household.operation_id}",
        source_date=household.registered_at,
        full_name=person.full_name,
        given_name=person.given_name,
        family_name=person.family_name,
        alternate_names=" ".join(p for p in (person.given_name, person.patronymic) if p),
        sex={"F": "female", "M": "male"}.get(person.sex, ""),
        date_of_birth=person.birth_date_display,
        home_city=origin.name_ru or origin.name_en,
        home_state=origin.district.region.name_ru or origin.district.region.name_en,
        home_country=origin.district.region.country,
        notes=(
            pfif.Note(
                note_record_id=f"{domain()}/note.safe.{person.pk}",
                person_record_id=record_id,
                entry_date=person.updated_at,
                author_name="Refuge",
                source_date=household.registered_at,
                status="believed_alive",
                text=SAFE_NOTE,
            ),
        ),
    )


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    emptied: int = 0  # expired records or placeholders: personal data removed
    own: int = 0  # our own records coming back: ignored
    notes: int = 0
    stored_ids: list[int] = field(default_factory=list)  # ExternalPerson pks, for matching


PERSON_FIELDS = [
    "entry_date", "expiry_date", "source_name", "source_date", "author_name", "author_email",
    "author_phone", "full_name", "given_name", "family_name", "alternate_names", "sex",
    "date_of_birth", "age", "home_city", "home_state", "home_country",
]  # fmt: skip
NOTE_FIELDS = [
    "person", "entry_date", "author_name", "source_date", "author_made_contact", "status",
    "linked_person_record_id", "text",
]  # fmt: skip
# Records are written a batch at a time: a few queries per thousand records, not per record
# (one query per record made 100,000 records take minutes).
BATCH = 1000


@transaction.atomic
def do_import_pfif(records: Iterable[pfif.PersonRecord], *, now: datetime) -> ImportResult:
    """Create or update partners' records. All or nothing: a bad record stops the import."""
    result = ImportResult()
    ours = domain() + "/"
    batch: dict[str, pfif.PersonRecord] = {}
    for record in records:
        if record.person_record_id.startswith(ours):
            result.own += 1
            continue
        if record.expired(now) or record.is_placeholder:
            record = record.placeholder()
            result.emptied += 1
        _keep_newer(batch, record, result)
        if len(batch) >= BATCH:
            _import_batch(batch, now, result)
            batch = {}
    _import_batch(batch, now, result)
    return result


def _keep_newer(
    batch: dict[str, pfif.PersonRecord], record: pfif.PersonRecord, result: ImportResult
) -> None:
    """The same record twice in one batch: the newer copy counts, the other is ignored."""
    held = batch.get(record.person_record_id)
    if held is not None:
        result.unchanged += 1
        if held.entry_date > record.entry_date:
            return
    batch[record.person_record_id] = record


def _values(record: pfif.PersonRecord) -> dict[str, object]:
    values = {name: getattr(record, name) for name in PERSON_FIELDS}
    return {k: ("" if v is None and k not in _DATES else v) for k, v in values.items()}


def _import_batch(batch: dict[str, pfif.PersonRecord], now: datetime, result: ImportResult) -> None:
    held = {p.record_id: p for p in ExternalPerson.objects.filter(record_id__in=list(batch))}
    new, changed = [], []
    for record_id, record in batch.items():
        existing = held.get(record_id)
        if existing is None:
            new.append(ExternalPerson(record_id=record_id, received_at=now, **_values(record)))
        elif existing.entry_date <= record.entry_date:
            for k, v in _values(record).items():
                setattr(existing, k, v)
            existing.received_at = now
            changed.append(existing)
        else:
            result.unchanged += 1  # an older copy than the one we hold
    _insert(new)
    ids = dict(
        ExternalPerson.objects.filter(record_id__in=[p.record_id for p in new]).values_list(
            "record_id", "pk"
        )
    )
    for person in new:
        person.pk = ids[person.record_id]
    ExternalPerson.objects.bulk_update(changed, [*PERSON_FIELDS, "received_at"])
    result.created += len(new)
    result.updated += len(changed)
    stored = {p.record_id: p for p in (*new, *changed)}
    emptied = [p.pk for record_id, p in stored.items() if batch[record_id].is_placeholder]
    ExternalNote.objects.filter(person_id__in=emptied).delete()
    _import_notes(
        [
            (stored[r.person_record_id], n)
            for r in batch.values()
            if r.person_record_id in stored
            for n in r.notes
        ]  # fmt: skip
    )
    result.notes += sum(len(batch[record_id].notes) for record_id in stored)
    result.stored_ids.extend(p.pk for p in stored.values())


def _import_notes(notes: list[tuple[ExternalPerson, pfif.Note]]) -> None:
    held = {
        n.record_id: n
        for n in ExternalNote.objects.filter(record_id__in=[n.note_record_id for _, n in notes])
    }
    new, changed = [], []
    for person, note in notes:
        values = {
            "person": person, "entry_date": note.entry_date, "author_name": note.author_name,
            "source_date": note.source_date, "author_made_contact": note.author_made_contact,
            "status": note.status, "linked_person_record_id": note.linked_person_record_id,
            "text": note.text,
        }  # fmt: skip
        existing = held.get(note.note_record_id)
        if existing is None:
            held[note.note_record_id] = ExternalNote(record_id=note.note_record_id, **values)
            new.append(held[note.note_record_id])
        else:
            for k, v in values.items():
                setattr(existing, k, v)
            if existing.pk is not None:  # else a note given twice: the later copy is created
                changed.append(existing)
    _insert(new)
    ExternalNote.objects.bulk_update(changed, NOTE_FIELDS)


def _insert(rows: Sequence[models.Model]) -> None:
    """INSERT new rows with one executemany: bulk_create compiles SQL for every value, and
    was half of a 100,000-record import's time (docs/PERFORMANCE.md, PFIF import)."""
    if not rows:
        return
    meta = rows[0]._meta
    columns = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    prepare = [_preparer(f) for f in columns]
    values = [
        [p(getattr(row, f.attname)) for f, p in zip(columns, prepare, strict=True)] for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def _preparer(column: models.Field) -> Callable[[object], object]:  # type: ignore[type-arg]
    """The value as the database takes it; text, flags and ids go as they are."""
    if isinstance(column, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value  # type: ignore[no-any-return]
    if isinstance(column, (models.CharField, models.TextField, models.BooleanField,
                           models.ForeignKey)):  # fmt: skip
        return lambda value: value
    return lambda value: column.get_db_prep_save(value, connection)


_DATES = {"entry_date", "expiry_date", "source_date"}
