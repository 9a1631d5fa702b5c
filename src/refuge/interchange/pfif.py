"""PFIF export of consented registrations and import of partners' records."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction

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
    records: list[ExternalPerson] = field(default_factory=list)


PERSON_FIELDS = [
    "entry_date", "expiry_date", "source_name", "source_date", "author_name", "author_email",
    "author_phone", "full_name", "given_name", "family_name", "alternate_names", "sex",
    "date_of_birth", "age", "home_city", "home_state", "home_country",
]  # fmt: skip


@transaction.atomic
def do_import_pfif(records: Iterable[pfif.PersonRecord], *, now: datetime) -> ImportResult:
    """Create or update partners' records. All or nothing: a bad record stops the import."""
    result = ImportResult()
    ours = domain() + "/"
    for record in records:
        if record.person_record_id.startswith(ours):
            result.own += 1
            continue
        if record.expired(now) or record.is_placeholder:
            record = record.placeholder()
            result.emptied += 1
        values = {name: getattr(record, name) for name in PERSON_FIELDS}
        values = {k: ("" if v is None and k not in _DATES else v) for k, v in values.items()}
        existing = ExternalPerson.objects.filter(record_id=record.person_record_id).first()
        if existing is None:
            stored = ExternalPerson.objects.create(record_id=record.person_record_id, **values)
            result.created += 1
        elif existing.entry_date <= record.entry_date:
            for k, v in values.items():
                setattr(existing, k, v)
            existing.save()
            stored = existing
            if record.is_placeholder:
                existing.notes.all().delete()
            result.updated += 1
        else:
            result.unchanged += 1  # an older copy than the one we hold
            continue
        for note in () if record.is_placeholder else record.notes:
            ExternalNote.objects.update_or_create(
                record_id=note.note_record_id,
                defaults={
                    "person": stored,
                    "entry_date": note.entry_date,
                    "author_name": note.author_name,
                    "source_date": note.source_date,
                    "author_made_contact": note.author_made_contact,
                    "status": note.status,
                    "linked_person_record_id": note.linked_person_record_id,
                    "text": note.text,
                },
            )
            result.notes += 1
        result.records.append(stored)
    return result


_DATES = {"entry_date", "expiry_date", "source_date"}
