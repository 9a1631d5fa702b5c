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
