"""PFIF 1.4, the People Finder Interchange Format: persons and notes as XML.

Specification: http://zesty.ca/pfif/1.4/ (Ka-Ping Yee, 2012). Only the fields Refuge
has a use for are read and written; the element order follows the schema. Record
ids are `domain/local-id`; `entry_date` is when the record was stored in the
exporting repository, and must grow monotonically so partners can sync by asking
for everything since their last copy. An expired record travels as a placeholder
that keeps only its id and dates, so copies elsewhere are emptied too.
"""

from __future__ import annotations

import io
import os
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


PFIF_DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def parse_date(text: str, where: str) -> datetime:
    # fromisoformat after an exact shape check: strptime was a tenth of a large import.
    text = text.strip()
    try:
        if not PFIF_DATE.fullmatch(text):
            raise ValueError(text)
        return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
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


@dataclass(frozen=True)
class Limits:
    """What one PFIF file may hold; checked while reading, before anything is stored.

    A feed of 100,000 persons with a note each is about 150 MB; fields are bounded by
    the columns that store them (interchange/models.py), notes' text by FIELD_CHARS.
    """

    max_bytes: int = 512 * 2**20
    max_depth: int = 6  # pfif > person > note > field is 4
    max_elements: int = 5_000_000
    max_elements_per_person: int = 2_000


LIMITS = Limits()
FIELD_CHARS = {
    "person_record_id": 500, "note_record_id": 500, "linked_person_record_id": 500,
    "entry_date": 30, "expiry_date": 30, "source_date": 30, "author_made_contact": 10,
    "status": 30, "source_name": 200, "author_name": 200, "author_email": 200,
    "author_phone": 60, "full_name": 300, "given_name": 200, "family_name": 200,
    "alternate_names": 500, "sex": 10, "date_of_birth": 10, "age": 10,
    "home_city": 200, "home_state": 200, "home_country": 2, "text": 20_000,
}  # fmt: skip
OTHER_FIELD_CHARS = 2_000  # fields of later PFIF versions or extensions, which we skip
CHUNK_BYTES = 1 << 16
# No DTD means no entity can be declared: no billion laughs, no external file or URL.
FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")
XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)""")


def read(source: IO[bytes], limits: Limits = LIMITS) -> Iterator[PersonRecord]:
    """Person records of a PFIF 1.2-1.4 document, one at a time (the file is streamed).

    The document must be UTF-8 and carry no DOCTYPE; the limits are checked as bytes
    arrive, so a hostile file is refused before it fills memory. Top-level notes
    (outside their person) are skipped.
    """
    _check_size(source, limits)
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    state = _ReadState(limits)
    while chunk := source.read(CHUNK_BYTES):
        state.check_bytes(chunk)
        try:
            parser.feed(chunk)
        except ET.ParseError as e:
            raise PfifError(f"not well-formed XML: {e}") from None
        yield from state.persons(parser)
    if state.total == 0:
        raise PfifError("the file is empty")
    try:
        parser.close()
    except ET.ParseError as e:
        raise PfifError(f"not well-formed XML: {e}") from None
    yield from state.persons(parser)


def _check_size(source: IO[bytes], limits: Limits) -> None:
    try:
        size = os.fstat(source.fileno()).st_size
    except (AttributeError, OSError, io.UnsupportedOperation):
        return  # a pipe or a buffer: counted as it is read
    if size > limits.max_bytes:
        raise PfifError(f"the file has {size:,} bytes; at most {limits.max_bytes:,} are accepted")


class _ReadState:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.total = 0
        self.tail = b""
        self.depth = 0
        self.elements = 0
        self.in_person = 0
        self.index = 0
        self.root: ET.Element | None = None

    def check_bytes(self, chunk: bytes) -> None:
        if self.total == 0:
            _check_encoding(chunk)
        self.total += len(chunk)
        if self.total > self.limits.max_bytes:
            raise PfifError(f"the file has more than {self.limits.max_bytes:,} bytes")
        window = self.tail + chunk
        for marker in FORBIDDEN:
            if marker in window:
                raise PfifError(
                    f"the file declares {marker.decode()[2:]}: PFIF files carry no DTD or "
                    "entities, and Refuge reads none"
                )
        self.tail = window[-16:]

    def persons(self, parser: ET.XMLPullParser[ET.Element]) -> Iterator[PersonRecord]:
        try:
            yield from self._persons(parser)
        except ET.ParseError as e:
            raise PfifError(f"not well-formed XML: {e}") from None

    def _persons(self, parser: ET.XMLPullParser[ET.Element]) -> Iterator[PersonRecord]:
        for item in parser.read_events():
            event, el = item  # type: ignore[misc]
            assert isinstance(el, ET.Element)  # start and end events carry their element
            if event == "start":
                self._started(el)
                continue
            self.depth -= 1
            if self.depth == 1:  # a child of the root: done with it
                if _tag(el) == "person":
                    self.index += 1
                    yield _person(el, self.index)
                self.in_person = 0
                if self.root is not None:
                    self.root.clear()

    def _started(self, el: ET.Element) -> None:
        if self.root is None:
            self.root = el
        self.depth += 1
        self.elements += 1
        self.in_person += 1
        if self.depth > self.limits.max_depth:
            raise PfifError(
                f"elements nest {self.depth} deep after person #{self.index}; "
                f"PFIF needs 4, at most {self.limits.max_depth} are accepted"
            )
        if self.elements > self.limits.max_elements:
            raise PfifError(f"more than {self.limits.max_elements:,} XML elements")
        if self.in_person > self.limits.max_elements_per_person:
            raise PfifError(
                f"person #{self.index + 1} has more than "
                f"{self.limits.max_elements_per_person:,} elements"
            )


def _check_encoding(first: bytes) -> None:
    if first[:2] in (b"\xfe\xff", b"\xff\xfe") or b"\x00" in first[:4]:
        raise PfifError("the file is not UTF-8 (PFIF files are UTF-8)")
    declared = XML_ENCODING.match(first)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8", b"us-ascii", b"ascii"):
        raise PfifError(
            f"the file declares encoding {declared.group(1).decode()!r}; PFIF files are UTF-8"
        )


_LOCAL_NAMES: dict[str, str] = {}


def _tag(el: ET.Element) -> str:
    """The element's name without its namespace (PFIF 1.2, 1.3 and 1.4 differ only there)."""
    name = _LOCAL_NAMES.get(el.tag)
    if name is None:
        name = _LOCAL_NAMES[el.tag] = el.tag.rsplit("}", 1)[-1]
        if len(_LOCAL_NAMES) > 1000:  # names are the sender's: do not let them pile up
            _LOCAL_NAMES.clear()
    return name


def _fields(el: ET.Element) -> dict[str, str]:
    """Each child's text by name; the first of two same-named children counts."""
    found: dict[str, str] = {}
    for child in el:
        found.setdefault(_tag(child), (child.text or "").strip())
    return found


def _check_lengths(el: ET.Element, where: str) -> None:
    """A field longer than its column refuses the file, naming the record and field."""
    for child in el:
        name = _tag(child)
        if name == "note":
            continue
        limit = FIELD_CHARS.get(name, OTHER_FIELD_CHARS)
        length = len(child.text or "")
        if length > limit:
            raise PfifError(
                f"{where}, {name}: {length:,} characters; at most {limit:,} are accepted"
            )


def _person(el: ET.Element, index: int) -> PersonRecord:
    where = f"person #{index}"
    given = _fields(el)
    record_id = given.get("person_record_id", "")
    if len(record_id) > FIELD_CHARS["person_record_id"]:
        raise PfifError(f"{where}, person_record_id: {len(record_id):,} characters; at most 500")
    if not RECORD_ID.match(record_id):
        raise PfifError(f"{where}: person_record_id {record_id!r} is not domain/local-id")
    where = f"person {record_id}"
    _check_lengths(el, where)
    values: dict[str, object] = {}
    for name in PERSON_ORDER:
        text = given.get(name, "")
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
    notes = tuple(_note(child, record_id) for child in el if _tag(child) == "note")
    return PersonRecord(**values, notes=notes)  # type: ignore[arg-type]


def _note(el: ET.Element, person_record_id: str) -> Note:
    given = _fields(el)
    note_id = given.get("note_record_id", "")
    shown_id = note_id if len(note_id) <= 80 else note_id[:40] + "…"
    where = f"note {shown_id or '(no id)'} of person {person_record_id}"
    _check_lengths(el, where)
    if not RECORD_ID.match(note_id):
        raise PfifError(f"{where}: note_record_id is not domain/local-id")
    entry = given.get("entry_date", "")
    if not entry:
        raise PfifError(f"{where}: entry_date is missing")
    status = given.get("status", "")
    if status not in NOTE_STATUSES:
        raise PfifError(f"{where}, status: {status!r} is not a PFIF note status")
    contact = given.get("author_made_contact", "")
    source = given.get("source_date", "")
    return Note(
        note_record_id=note_id,
        person_record_id=given.get("person_record_id", "") or person_record_id,
        entry_date=parse_date(entry, f"{where}, entry_date"),
        author_name=given.get("author_name", ""),
        source_date=parse_date(source, f"{where}, source_date") if source else None,
        author_made_contact={"true": True, "false": False}.get(contact),
        status=status,
        linked_person_record_id=given.get("linked_person_record_id", ""),
        text=given.get("text", ""),
    )
