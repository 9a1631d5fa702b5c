"""core/cap.py: what Refuge writes validates against the OASIS CAP 1.2 schema, reading it
back keeps every field, and hostile XML is refused without reading anything else."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from refuge.core import cap

KYIV = ZoneInfo("Europe/Kyiv")
SENT = datetime(2024, 8, 20, 3, 25, tzinfo=KYIV)


def shelter_in_place() -> cap.Message:
    area = cap.Area(
        desc="Тернопіль",
        polygons=(((49.6, 25.5), (49.6, 25.7), (49.5, 25.7), (49.5, 25.5), (49.6, 25.5)),),
        circles=(cap.Circle(49.554, 25.5907, 8.5),),
        geocodes=(("ISO 3166-2", "UA-61"),),
    )
    infos = tuple(
        cap.Info(
            language=lang,
            categories=("Fire", "Safety"),
            event=event,
            response_types=("Shelter",),
            urgency="Immediate",
            severity="Severe",
            certainty="Observed",
            effective=SENT,
            onset=SENT - timedelta(minutes=25),
            expires=SENT + timedelta(hours=12),
            sender_name="Тернопільська ОВА",
            headline=headline,
            description="Пожежа на нафтобазі, дим над містом."
            if lang == "uk-UA"
            else "Depot fire.",
            instruction="Залишайтеся вдома, зачиніть вікна." if lang == "uk-UA" else "Stay inside.",
            web="https://refuge.example/alerts/",
            contact="+380 352 52 00 00",
            parameters=(("refuge:template", "shelter_in_place"),),
            areas=(area,),
        )
        for lang, event, headline in (
            ("uk-UA", "Задимлення", "Залишайтеся вдома: дим від пожежі"),
            ("en-US", "Smoke", "Stay inside: smoke from the fire"),
        )
    )
    return cap.Message(
        identifier="refuge-ternopil-2024-1000001",
        sender="ternopil@refuge.example",
        sent=SENT,
        status="Actual",
        msg_type="Alert",
        infos=infos,
    )


def test_what_refuge_writes_validates_against_the_oasis_schema() -> None:
    assert cap.schema_errors(cap.write(shelter_in_place())) == []


def test_the_schema_catches_what_it_should() -> None:
    xml = cap.write(shelter_in_place()).replace(b"<status>Actual", b"<status>Real")
    assert any("status" in e for e in cap.schema_errors(xml))


def test_a_round_trip_keeps_every_field() -> None:
    message = shelter_in_place()
    assert cap.read(cap.write(message)) == message


def test_update_and_cancel_carry_the_reference() -> None:
    first = shelter_in_place()
    ref = cap.Reference(first.sender, first.identifier, first.sent)
    cancel = replace(
        first, identifier="refuge-ternopil-2024-1000002", msg_type="Cancel", references=(ref,)
    )
    xml = cap.write(cancel)
    assert cap.schema_errors(xml) == []
    assert (
        b"<references>ternopil@refuge.example,refuge-ternopil-2024-1000001,"
        b"2024-08-20T03:25:00+03:00</references>" in xml
    )
    assert cap.read(xml).references == (ref,)
    with pytest.raises(cap.CapError, match="references"):
        cap.write(replace(cancel, references=()))


@pytest.mark.parametrize(
    ("old", "new", "element"),
    [
        (b"<sent>2024-08-20T03:25:00+03:00</sent>", b"<sent>20.08.2024 03:25</sent>", "sent"),
        (b"<urgency>Immediate</urgency>", b"<urgency>Now</urgency>", "urgency"),
        (b"<identifier>refuge-ternopil-2024-1000001</identifier>", b"", "identifier"),
        (b"<event>Smoke</event>", b"", "event"),
        (b"<circle>49.554,25.5907 8.5</circle>", b"<circle>north 8</circle>", "circle"),
    ],
)
def test_an_invalid_message_is_refused_naming_the_element(
    old: bytes, new: bytes, element: str
) -> None:
    xml = cap.write(shelter_in_place())
    assert old in xml
    with pytest.raises(cap.CapError, match=f"<{element}>"):
        cap.read(xml.replace(old, new))


def test_cap_11_and_a_declared_single_byte_encoding_are_read() -> None:
    xml = cap.write(shelter_in_place()).decode().replace(cap.NS12, cap.NS11)
    xml = xml.replace('encoding="UTF-8"', 'encoding="windows-1251"').replace(
        "Тернопіль", "Тернополь"
    )
    message = cap.read(xml.encode("cp1251", errors="strict"))
    assert message.infos[0].areas[0].desc == "Тернополь"


def test_an_external_entity_naming_a_local_file_is_refused_unread(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("ПАРОЛЬ-1948")
    xml = cap.write(shelter_in_place()).decode()
    xml = (
        xml.replace(
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY x SYSTEM "file://{secret}">]>',
        )
        .replace("<note>", "")
        .replace("<event>Smoke</event>", "<event>&x;</event>")
    )
    before = secret.stat().st_atime_ns
    with pytest.raises(cap.CapError, match="refused") as e:
        cap.read(xml.encode())
    assert "ПАРОЛЬ" not in str(e.value)
    assert secret.stat().st_atime_ns == before


def test_billion_laughs_is_refused() -> None:
    lol = (
        '<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY a "lol">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
        + f']><alert xmlns="{cap.NS12}"><identifier>&j;</identifier></alert>'
    )
    with pytest.raises(cap.CapError, match="refused"):
        cap.read(lol.encode())


def test_xinclude_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0")
    xml = (
        cap.write(shelter_in_place())
        .replace(b"<note>", b"")
        .replace(
            b"<msgType>Alert</msgType>",
            b'<msgType>Alert</msgType><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
            + f'href="file://{secret}" parse="text"/>'.encode(),
        )
    )
    with pytest.raises(cap.CapError, match="XInclude"):
        cap.read(xml)


def test_a_twenty_megabyte_message_is_refused_before_parsing() -> None:
    # Not even well-formed: refused by its size, so the parser never saw it.
    with pytest.raises(cap.CapError, match="20,971,520 bytes"):
        cap.read(b"<" * (20 * 1024 * 1024))
