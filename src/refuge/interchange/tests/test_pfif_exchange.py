import io
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from refuge.core import pfif
from refuge.interchange.models import ExternalPerson
from refuge.interchange.pfif import do_import_pfif, export_records
from refuge.registry.models import Person

NOW = datetime(2024, 9, 1, tzinfo=UTC)


def exported(operation, **kw):
    buf = io.BytesIO()
    pfif.write(export_records(operation, now=NOW, **kw), buf)
    buf.seek(0)
    return buf


def consent(household, *flags):
    for person, flag in zip(household.members.order_by("pk"), flags, strict=True):
        person.consents_to_be_found = flag
        person.save()


def test_only_consented_people_leave_and_nothing_says_where_they_are(operation, register):
    household = register(3, destination="shelter")
    consent(household, True, False, True)
    records = list(pfif.read(exported(operation)))
    assert len(records) == 2
    assert all(r.family_name == "Петренко" for r in records)
    text = exported(operation).read().decode()
    assert "ПВР" not in text and "вокзал" not in text  # no shelter, no reception point
    assert all(n.status == "believed_alive" for r in records for n in r.notes)


def test_entry_dates_grow_and_since_gives_only_newer_records(operation, register):
    first = register(2)
    consent(first, True, True)
    records = list(pfif.read(exported(operation)))
    assert [r.entry_date for r in records] == sorted(r.entry_date for r in records)
    # PFIF dates have whole seconds: put the first people a minute in the past.
    Person.objects.filter(household=first).update(updated_at=datetime(2024, 8, 30, tzinfo=UTC))
    later = register(1)
    consent(later, True)
    newest = Person.objects.get(household=later).updated_at
    fresh = list(pfif.read(exported(operation, since=newest.replace(microsecond=0))))
    assert [r.person_record_id.rsplit(".", 1)[1] for r in fresh] == [
        str(Person.objects.get(household=later).pk)
    ]


def test_withdrawn_consent_sends_a_placeholder(operation, register):
    household = register(1)
    consent(household, True)
    assert not list(pfif.read(exported(operation)))[0].is_placeholder
    consent(household, False)
    [again] = list(pfif.read(exported(operation)))
    assert again.is_placeholder and again.expiry_date is not None


def test_round_trip_between_two_repositories(operation, register, monkeypatch):
    household = register(2)
    consent(household, True, True)
    monkeypatch.setenv("REFUGE_PFIF_DOMAIN", "kursk.refuge.example")
    sent = list(pfif.read(exported(operation)))
    monkeypatch.setenv("REFUGE_PFIF_DOMAIN", "partner.example")
    result = do_import_pfif(sent, now=NOW)
    assert (result.created, result.notes) == (2, 2)
    for record in sent:
        stored = ExternalPerson.objects.get(record_id=record.person_record_id)
        assert (stored.given_name, stored.family_name, stored.date_of_birth) == (
            record.given_name,
            record.family_name,
            record.date_of_birth,
        )
        assert stored.notes.get().status == "believed_alive"
    again = do_import_pfif(sent, now=NOW)
    assert (again.created, again.updated) == (0, 2)


def test_an_older_copy_does_not_overwrite_a_newer_one(db):
    new = pfif.PersonRecord(
        "a.org/1", datetime(2024, 8, 12, tzinfo=UTC), given_name="Анна", family_name="Ли"
    )
    old = pfif.PersonRecord(
        "a.org/1", datetime(2024, 8, 10, tzinfo=UTC), given_name="Аня", family_name="Ли"
    )
    do_import_pfif([new], now=NOW)
    assert do_import_pfif([old], now=NOW).unchanged == 1
    assert ExternalPerson.objects.get().given_name == "Анна"


def test_expired_records_arrive_empty(db):
    record = pfif.PersonRecord(
        "a.org/2",
        datetime(2024, 8, 1, tzinfo=UTC),
        expiry_date=datetime(2024, 8, 20, tzinfo=UTC),
        given_name="Олег",
        family_name="Ким",
    )
    assert do_import_pfif([record], now=NOW).emptied == 1
    stored = ExternalPerson.objects.get()
    assert (stored.given_name, stored.family_name) == ("", "")


def test_a_bad_file_imports_nothing_and_names_the_record(db, tmp_path):
    path = tmp_path / "partner.xml"
    path.write_bytes(
        b"<pfif:pfif xmlns:pfif='http://zesty.ca/pfif/1.4'>"
        b"<pfif:person><pfif:person_record_id>a.org/1</pfif:person_record_id>"
        b"<pfif:entry_date>2024-08-10T00:00:00Z</pfif:entry_date>"
        b"<pfif:given_name>Ok</pfif:given_name></pfif:person>"
        b"<pfif:person><pfif:person_record_id>a.org/2</pfif:person_record_id>"
        b"<pfif:entry_date>yesterday</pfif:entry_date></pfif:person></pfif:pfif>"
    )
    with pytest.raises(CommandError, match="person a.org/2, entry_date: 'yesterday'"):
        call_command("pfif", "import", str(path))
    assert not ExternalPerson.objects.exists()
