"""PFIF 1.4, the People Finder Interchange Format: persons and notes as XML.

Specification: http://zesty.ca/pfif/1.4/ (Ka-Ping Yee, 2012). Only the fields Refuge
has a use for are read and written; the element order follows the schema. Record
ids are `domain/local-id`; `entry_date` is when the record was stored in the
exporting repository, and must grow monotonically so partners can sync by asking
for everything since their last copy. An expired record travels as a placeholder
that keeps only its id and dates, so copies elsewhere are emptied too.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import IO

NS = "http://zesty.ca/pfif/1.4"
ET.register_namespace("pfif", NS)

RECORD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*/\S+$")
DATE_OF_BIRTH = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
SEXES = frozenset({"female", "male", "other"})
NOTE_STATUSES = frozenset(
    {
        "",
        "information_sought",
        "is_note_author",
        "believed_alive",
        "believed_missing",
        "believed_dead",
    }
)


class PfifError(ValueError):
    """A record that breaks the format; says which record and field."""


@dataclass(frozen=True)
class Note:
    note_record_id: str
    person_record_id: str
    entry_date: datetime
    author_name: str = ""
    source_date: datetime | None = None
    author_made_contact: bool | None = None
    status: str = ""
    linked_person_record_id: str = ""
    text: str = ""


@dataclass(frozen=True)
class PersonRecord:
    person_record_id: str
    entry_date: datetime
    expiry_date: datetime | None = None
    author_name: str = ""
    author_email: str = ""
    author_phone: str = ""
    source_name: str = ""
    source_date: datetime | None = None
    full_name: str = ""
    given_name: str = ""
    family_name: str = ""
    alternate_names: str = ""
    sex: str = ""
    date_of_birth: str = ""
    age: str = ""
    home_city: str = ""
    home_state: str = ""
    home_country: str = ""
    notes: tuple[Note, ...] = field(default=())

    def expired(self, now: datetime) -> bool:
        return self.expiry_date is not None and self.expiry_date <= now

    def placeholder(self) -> PersonRecord:
        """What an expired record becomes: its id and dates, nothing about the person."""
        return PersonRecord(
            person_record_id=self.person_record_id,
            entry_date=self.entry_date,
            expiry_date=self.expiry_date,
        )

    @property
    def is_placeholder(self) -> bool:
        return not (self.full_name or self.given_name or self.family_name)


PERSON_ORDER = [f.name for f in fields(PersonRecord) if f.name != "notes"]
NOTE_ORDER = [
    "note_record_id",
    "person_record_id",
    "linked_person_record_id",
    "entry_date",
    "author_name",
    "source_date",
    "author_made_contact",
    "status",
    "text",
]


def format_date(value: datetime) -> str:
    """PFIF dates are UTC, to the second, with a Z."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_date(text: str, where: str) -> datetime:
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise PfifError(f"{where}: {text!r} is not a PFIF date (YYYY-MM-DDThh:mm:ssZ)") from None


def write(persons: Iterable[PersonRecord], out: IO[bytes]) -> int:
    """Write a PFIF 1.4 document; returns the number of person records."""
    out.write(
        b'<?xml version="1.0" encoding="UTF-8"?>\n<pfif:pfif xmlns:pfif="' + NS.encode() + b'">\n'
    )
    count = 0
    for person in persons:
        out.write(ET.tostring(_person_element(person), encoding="utf-8"))
        out.write(b"\n")
        count += 1
    out.write(b"</pfif:pfif>\n")
    return count


def _person_element(person: PersonRecord) -> ET.Element:
    el = ET.Element(f"{{{NS}}}person")
    for name in PERSON_ORDER:
        _child(el, name, getattr(person, name))
    for note in person.notes:
        note_el = ET.SubElement(el, f"{{{NS}}}note")
        for name in NOTE_ORDER:
            _child(note_el, name, getattr(note, name))
    return el


def _child(parent: ET.Element, name: str, value: object) -> None:
    if value is None or value == "":
        return
    if isinstance(value, datetime):
        text = format_date(value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    ET.SubElement(parent, f"{{{NS}}}{name}").text = text


def read(source: IO[bytes]) -> Iterator[PersonRecord]:
    """Person records of a PFIF 1.2-1.4 document, one at a time (the file is streamed).

    Top-level notes (PFIF allows notes outside their person) are attached to the
    person they name when that person came earlier in the file; others are skipped.
    """
    index = 0
    try:
        for _event, el in ET.iterparse(source, events=("end",)):
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "person":
                index += 1
                yield _person(el, index)
                el.clear()
    except ET.ParseError as e:
        raise PfifError(f"not well-formed XML: {e}") from None


def _text(el: ET.Element, name: str) -> str:
    for child in el:
        if child.tag.rsplit("}", 1)[-1] == name:
            return (child.text or "").strip()
    return ""


def _person(el: ET.Element, index: int) -> PersonRecord:
    where = f"person #{index}"
    record_id = _text(el, "person_record_id")
    if not RECORD_ID.match(record_id):
        raise PfifError(f"{where}: person_record_id {record_id!r} is not domain/local-id")
    where = f"person {record_id}"
    values: dict[str, object] = {}
    for name in PERSON_ORDER:
        text = _text(el, name)
        if name in ("entry_date", "expiry_date", "source_date"):
            values[name] = parse_date(text, f"{where}, {name}") if text else None
        else:
            values[name] = text
    if values["entry_date"] is None:
        raise PfifError(f"{where}: entry_date is missing")
    if values["sex"] and values["sex"] not in SEXES:
        raise PfifError(f"{where}, sex: {values['sex']!r} is not female, male or other")
    if values["date_of_birth"] and not DATE_OF_BIRTH.match(str(values["date_of_birth"])):
        raise PfifError(
            f"{where}, date_of_birth: {values['date_of_birth']!r} is not YYYY[-MM[-DD]]"
        )
    notes = tuple(_note(child, record_id) for child in el if child.tag.rsplit("}", 1)[-1] == "note")
    return PersonRecord(**values, notes=notes)  # type: ignore[arg-type]


def _note(el: ET.Element, person_record_id: str) -> Note:
    note_id = _text(el, "note_record_id")
    where = f"note {note_id or '(no id)'} of person {person_record_id}"
    if not RECORD_ID.match(note_id):
        raise PfifError(f"{where}: note_record_id is not domain/local-id")
    entry = _text(el, "entry_date")
    if not entry:
        raise PfifError(f"{where}: entry_date is missing")
    status = _text(el, "status")
    if status not in NOTE_STATUSES:
        raise PfifError(f"{where}, status: {status!r} is not a PFIF note status")
    contact = _text(el, "author_made_contact")
    source = _text(el, "source_date")
    return Note(
        note_record_id=note_id,
        person_record_id=_text(el, "person_record_id") or person_record_id,
        entry_date=parse_date(entry, f"{where}, entry_date"),
        author_name=_text(el, "author_name"),
        source_date=parse_date(source, f"{where}, source_date") if source else None,
        author_made_contact={"true": True, "false": False}.get(contact),
        status=status,
        linked_person_record_id=_text(el, "linked_person_record_id"),
        text=_text(el, "text"),
    )
