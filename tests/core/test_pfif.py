import io
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refuge.core import pfif

T0 = datetime(2024, 8, 10, 9, 30, tzinfo=UTC)


def person(**kw):
    base = dict(
        person_record_id="refuge.example/person.1",
        entry_date=T0,
        expiry_date=datetime(2025, 8, 10, tzinfo=UTC),
        full_name="Иванова Татьяна Петровна",
        given_name="Татьяна",
        family_name="Иванова",
        sex="female",
        date_of_birth="1950-03",
        home_city="Суджа",
        home_country="RU",
        notes=(
            pfif.Note(
                "refuge.example/note.1",
                "refuge.example/person.1",
                T0,
                status="believed_alive",
                text="safe",
                author_made_contact=False,
            ),
        ),
    )
    return pfif.PersonRecord(**{**base, **kw})


def roundtrip(records):
    buf = io.BytesIO()
    pfif.write(records, buf)
    buf.seek(0)
    return list(pfif.read(buf))


def test_records_survive_a_round_trip():
    records = [person(), person(person_record_id="other.org/p/77", notes=(), sex="")]
    assert roundtrip(records) == records


def test_the_document_is_pfif_1_4_with_elements_in_schema_order():
    buf = io.BytesIO()
    pfif.write([person()], buf)
    xml = buf.getvalue().decode()
    assert 'xmlns:pfif="http://zesty.ca/pfif/1.4"' in xml
    order = [
        xml.index(f"<pfif:{name}>")
        for name in (
            "person_record_id",
            "entry_date",
            "expiry_date",
            "full_name",
            "given_name",
            "family_name",
            "sex",
            "date_of_birth",
            "home_city",
            "home_country",
            "note",
        )
    ]
    assert order == sorted(order)
    assert "<pfif:entry_date>2024-08-10T09:30:00Z</pfif:entry_date>" in xml


def test_an_expired_record_becomes_a_placeholder():
    record = person(expiry_date=datetime(2024, 9, 1, tzinfo=UTC))
    assert record.expired(datetime(2024, 9, 2, tzinfo=UTC))
    empty = record.placeholder()
    assert empty.is_placeholder and empty.notes == ()
    assert (empty.person_record_id, empty.entry_date) == (record.person_record_id, T0)


@pytest.mark.parametrize(
    "xml, message",
    [
        (
            b"<pfif:pfif xmlns:pfif='http://zesty.ca/pfif/1.4'><pfif:person>"
            b"<pfif:person_record_id>no-slash</pfif:person_record_id></pfif:person></pfif:pfif>",
            "person #1: person_record_id 'no-slash' is not domain/local-id",
        ),
        (
            b"<pfif:pfif xmlns:pfif='http://zesty.ca/pfif/1.4'><pfif:person>"
            b"<pfif:person_record_id>a.org/1</pfif:person_record_id>"
            b"<pfif:entry_date>10.08.2024</pfif:entry_date></pfif:person></pfif:pfif>",
            "person a.org/1, entry_date: '10.08.2024' is not a PFIF date",
        ),
        (
            b"<pfif:pfif xmlns:pfif='http://zesty.ca/pfif/1.4'><pfif:person>"
            b"<pfif:person_record_id>a.org/1</pfif:person_record_id>"
            b"<pfif:entry_date>2024-08-10T00:00:00Z</pfif:entry_date><pfif:sex>f</pfif:sex>"
            b"</pfif:person></pfif:pfif>",
            "person a.org/1, sex: 'f'",
        ),
        (b"<pfif:pfif><unclosed>", "not well-formed XML"),
    ],
)
def test_bad_records_are_named(xml, message):
    with pytest.raises(pfif.PfifError, match=message.replace("(", r"\(")):
        list(pfif.read(io.BytesIO(xml)))


names = st.text(alphabet=st.characters(codec="utf-8", categories=("L",)), max_size=30)


@given(given_name=names, family_name=names, city=names)
def test_any_unicode_name_round_trips(given_name, family_name, city):
    record = person(given_name=given_name, family_name=family_name, home_city=city, notes=())
    assert roundtrip([record]) == [record]


# Hostile files: what a partner's feed, or someone posing as one, could send.
HEAD = b"<pfif:pfif xmlns:pfif='http://zesty.ca/pfif/1.4'>"
ID_AND_DATE = (
    b"<pfif:person_record_id>partner.example/42</pfif:person_record_id>"
    b"<pfif:entry_date>2024-08-10T00:00:00Z</pfif:entry_date>"
)


def person_xml(fields: bytes) -> bytes:
    return HEAD + b"<pfif:person>" + ID_AND_DATE + fields + b"</pfif:person></pfif:pfif>"


def test_an_external_entity_is_refused_and_the_file_it_names_is_not_read(tmp_path):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:Секрет")
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE pfif:pfif [<!ENTITY leak SYSTEM "'
        + secret.as_uri().encode()
        + b'">]>'
        + person_xml(b"<pfif:given_name>&leak;</pfif:given_name>")
    )
    with pytest.raises(pfif.PfifError, match="DOCTYPE"):
        list(pfif.read(io.BytesIO(xml)))


def test_xinclude_is_never_followed(tmp_path):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:Секрет")
    xml = person_xml(
        b"<pfif:given_name><xi:include xmlns:xi='http://www.w3.org/2001/XInclude' href='"
        + secret.as_uri().encode()
        + b"' parse='text'/></pfif:given_name><pfif:family_name>"
        + "Ким".encode()
        + b"</pfif:family_name>"
    )
    [record] = pfif.read(io.BytesIO(xml))
    assert record.given_name == "" and record.family_name == "Ким"
    assert "Секрет" not in repr(record)


def test_billion_laughs_is_refused_before_any_expansion():
    entities = b'<!ENTITY lol "lol">' + b"".join(
        b"<!ENTITY lol%d '%s'>" % (i, b"".join(b"&lol%d;" % (i - 1) if i > 1 else b"&lol;"
                                              for _ in range(10)))
        for i in range(1, 10)
    )  # fmt: skip
    xml = (
        b"<!DOCTYPE pfif ["
        + entities
        + b"]>"
        + person_xml(b"<pfif:given_name>&lol9;</pfif:given_name>")
    )
    with pytest.raises(pfif.PfifError, match="DOCTYPE"):
        list(pfif.read(io.BytesIO(xml)))


def test_a_25_mib_name_refuses_the_file_naming_record_and_field_without_filling_memory():
    import tracemalloc

    xml = person_xml(
        b"<pfif:given_name>" + "Я".encode() * (25 * 2**20 // 2) + b"</pfif:given_name>"
    )
    tracemalloc.start()
    try:
        with pytest.raises(
            pfif.PfifError, match="person partner.example/42, given_name: 13,107,200 characters"
        ):
            list(pfif.read(io.BytesIO(xml)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 200 * 2**20


@pytest.mark.parametrize(
    "fields, message",
    [
        (b"<pfif:home_country>Russia</pfif:home_country>", "home_country: 6 characters; at most 2"),
        (b"<pfif:full_name>" + b"a" * 301 + b"</pfif:full_name>", "full_name: 301 characters"),
        (b"<pfif:extension>" + b"a" * 5000 + b"</pfif:extension>", "extension: 5,000 characters"),
    ],
)
def test_a_field_over_its_column_names_record_and_field(fields, message):
    with pytest.raises(pfif.PfifError, match=f"person partner.example/42, {message}"):
        list(pfif.read(io.BytesIO(person_xml(fields))))


def test_deep_nesting_and_too_many_elements_are_refused():
    deep = person_xml(b"<a>" * 10_000 + b"</a>" * 10_000)
    with pytest.raises(pfif.PfifError, match="nest 7 deep"):
        list(pfif.read(io.BytesIO(deep)))
    many = HEAD + b"<pfif:person>" + ID_AND_DATE + b"<x/>" * 3000 + b"</pfif:person></pfif:pfif>"
    with pytest.raises(pfif.PfifError, match="person #1 has more than 2,000 elements"):
        list(pfif.read(io.BytesIO(many)))
    with pytest.raises(pfif.PfifError, match="more than 10 XML elements"):
        list(pfif.read(io.BytesIO(person_xml(b"<x/>" * 20)), pfif.Limits(max_elements=10)))


def test_size_encoding_and_emptiness_are_checked_before_parsing(tmp_path):
    big = tmp_path / "feed.xml"
    big.write_bytes(person_xml(b"") * 10)
    with big.open("rb") as f, pytest.raises(pfif.PfifError, match="at most 100 are accepted"):
        next(pfif.read(f, pfif.Limits(max_bytes=100)))
    utf16 = person_xml(b"").decode().encode("utf-16")
    with pytest.raises(pfif.PfifError, match="not UTF-8"):
        list(pfif.read(io.BytesIO(utf16)))
    latin = b"<?xml version='1.0' encoding='ISO-8859-5'?>" + person_xml(b"")
    with pytest.raises(pfif.PfifError, match="encoding 'ISO-8859-5'"):
        list(pfif.read(io.BytesIO(latin)))
    with pytest.raises(pfif.PfifError, match="empty"):
        list(pfif.read(io.BytesIO(b"")))
