"""A partner's feed of thousands of persons: imported in batches, matched in chunks.

One query per record made 100,000 records take minutes, and a list membership test in
the matching step made it quadratic (20,000 records took 109 s): the number of queries
must not grow with the records one by one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from refuge.core import pfif
from refuge.interchange.matching import do_match_imported
from refuge.interchange.models import ExternalNote, ExternalPerson, PossibleMatch
from refuge.interchange.pfif import do_import_pfif

NOW = datetime(2024, 9, 1, tzinfo=UTC)
FAMILIES = ["Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олейник", "Шевченко"]
GIVEN = ["Тамара", "Олег", "Нина", "Богдан", "Зинаида", "Пётр", "Анна", "Глеб"]


def feed(count: int, first: int = 1_000_000, entry: datetime = NOW) -> list[pfif.PersonRecord]:
    records = []
    for n in range(first, first + count):
        record_id = f"poisk.partner.example/{n}"
        records.append(
            pfif.PersonRecord(
                record_id,
                entry - timedelta(seconds=n % 3600),
                given_name=GIVEN[n % len(GIVEN)],
                family_name=FAMILIES[n % len(FAMILIES)],
                date_of_birth=f"{1940 + n % 80}-03-14",
                home_city="Суджа",
                notes=(
                    pfif.Note(
                        f"poisk.partner.example/note.{n}",
                        record_id,
                        entry,
                        status="information_sought",
                        text="Ищет дочь",
                    ),
                ),  # fmt: skip
            )
        )
    return records


def test_3000_records_take_a_few_dozen_queries_not_thousands(
    db, django_assert_max_num_queries, register
):
    register(8)  # a household of eight already in the registry, for the matching to search
    with django_assert_max_num_queries(150):
        result = do_import_pfif(feed(3000), now=NOW)
    assert (result.created, result.notes) == (3000, 3000)
    with django_assert_max_num_queries(200):
        do_match_imported(result.stored_ids)
    assert ExternalPerson.objects.count() == ExternalNote.objects.count() == 3000


def test_a_second_copy_updates_persons_and_notes_and_an_older_one_changes_nothing(db):
    do_import_pfif(feed(1500), now=NOW)
    newer = [
        pfif.PersonRecord(r.person_record_id, r.entry_date + timedelta(days=1),
                          given_name="Тамара", family_name="Иванова", notes=r.notes)
        for r in feed(1500)
    ]  # fmt: skip
    again = do_import_pfif(newer, now=NOW)
    assert (again.created, again.updated, again.notes) == (0, 1500, 1500)
    assert set(ExternalPerson.objects.values_list("family_name", flat=True)) == {"Иванова"}
    assert ExternalNote.objects.count() == 1500
    older = do_import_pfif(feed(10, entry=NOW - timedelta(days=30)), now=NOW)
    assert (older.updated, older.unchanged) == (0, 10)


def test_the_same_record_twice_in_one_file_keeps_the_newer_copy(db):
    [old] = feed(1)
    new = pfif.PersonRecord(old.person_record_id, old.entry_date + timedelta(hours=1),
                            given_name="Тамара", family_name="Коваль")  # fmt: skip
    result = do_import_pfif([new, old], now=NOW)
    assert (result.created, result.unchanged) == (1, 1)
    assert ExternalPerson.objects.get().family_name == "Коваль"


def test_a_withdrawn_record_loses_its_notes_and_matches(db, register):
    household = register(1)
    person = household.members.get()
    [record] = feed(1)
    stored = do_import_pfif([record], now=NOW).stored_ids
    PossibleMatch.objects.create(
        external_id=stored[0], person=person, score=0.9, reasons="имя, дата рождения"
    )
    emptied = pfif.PersonRecord(record.person_record_id, record.entry_date + timedelta(days=1))
    result = do_import_pfif([emptied], now=NOW)
    do_match_imported(result.stored_ids)
    assert result.emptied == 1
    assert not ExternalNote.objects.exists() and not PossibleMatch.objects.exists()
