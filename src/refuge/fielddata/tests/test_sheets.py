"""Volunteers' spreadsheet lists: mapping guessed from ru/uk/en headers and values,
names split, dates and phones read, households grouped, the Kobo check and apply."""

from __future__ import annotations

import csv
import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook

from refuge.core.names.split import sex_of_patronymic, split_full_name
from refuge.fielddata import sheets
from refuge.fielddata.models import SavedMapping
from refuge.movements.models import Movement
from refuge.registry.models import Household, Person

HEADER = ["№ п/п", "ФИО", "Дата рождения", "Телефон", "Адрес", "Нас. пункт", "Кол-во членов семьи"]
SEVEN = [
    ("Коваленко Ольга Петровна", "14.03.1948"),
    ("Коваленко Иван Сергеевич", "2.7.75"),
    ("Коваленко Марина Ивановна", "1977-11-30"),
    ("Коваленко Артём Иванович", "03.2009"),
    ("Коваленко Дарья Ивановна", "2012"),
    ("Коваленко Семён Иванович", "15.05.2016"),
    ("Коваленко Вера Ивановна", "01.09.2020"),
]


def volunteer_rows(first_id: int = 1041) -> list[list[object]]:
    rows: list[list[object]] = [
        [first_id, "Шевчук Григорий Тарасович", 17607, "8-915-123-45-67", "ул. Ленина, 5",
         "Суджа", 1],
    ]  # fmt: skip
    for n, (name, born) in enumerate(SEVEN):
        rows.append([
            first_id + 1 + n, name, born, "+380 50 123 45 67" if n == 0 else "",
            "ул. Садовая, 12" if n == 0 else "", "Суджа" if n == 0 else "", 7 if n == 0 else "",
        ])  # fmt: skip
    rows.append([first_id + 8, "Мария Петровна Иванова", "31.02.1980", "9161234567",
                 "Мирная, 1", "Суджа", 1])  # fmt: skip
    rows.append([first_id + 9, "Петренко Анна Олегівна", "05.05.1990", "телефон нет",
                 "", "Нью-Васюки", 1])  # fmt: skip
    rows += [[first_id + 10, "", "", "", "", "", ""], [first_id + 11]]  # numbered, left blank
    return rows


def write_xlsx(path: Path, header: list[str], rows: list[list[object]], title: str = "") -> Path:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def refuge_import(*args: str) -> str:
    out = StringIO()
    call_command("import", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Иванова Мария Петровна", ("Иванова", "Мария", "Петровна")),
        ("Мария Петровна Иванова", ("Иванова", "Мария", "Петровна")),
        ("Олександр Олександрович Коваленко", ("Коваленко", "Олександр", "Олександрович")),
        ("Шевченко Тарас Григорович", ("Шевченко", "Тарас", "Григорович")),
        ("Иван Петров", ("Петров", "Иван", "")),
        ("Петров Иван", ("Петров", "Иван", "")),
        ("Мамедов Эльдар Гусейн оглы", ("Мамедов", "Эльдар", "Гусейн оглы")),
    ],
)
def test_full_names_split_east_slavic_style(text: str, parts: tuple[str, str, str]) -> None:
    assert tuple(split_full_name(text)) == parts


def test_sex_from_patronymic() -> None:
    assert sex_of_patronymic("Петровна") == "F" and sex_of_patronymic("Олегівна") == "F"
    assert sex_of_patronymic("Тарасович") == "M" and sex_of_patronymic("") == ""


@pytest.mark.parametrize(
    ("typed", "desk"),
    [
        ("14.03.1948", "14.03.1948"),
        ("2.7.75", "02.07.1975"),
        ("1.1.05", "01.01.2005"),
        ("1948-03-14", "14.03.1948"),
        ("1948-03-14T00:00:00", "14.03.1948"),
        ("03.1948", "03.1948"),
        ("1948", "1948"),
        ("1948 г.р.", "1948"),
        ("17607", "15.03.1948"),
        ("", ""),
    ],
)
def test_birth_dates_as_volunteers_type_them(typed: str, desk: str) -> None:
    assert sheets.birth_text(typed, today=date(2026, 12, 4)) == desk


@pytest.mark.parametrize("typed", ["31.02.1980", "14/03/48x", "1850", "01.01.2030"])
def test_impossible_birth_dates_refused(typed: str) -> None:
    with pytest.raises(sheets.BadValue):
        sheets.birth_text(typed, today=date(2026, 12, 4))


@pytest.mark.parametrize(
    ("typed", "phone"),
    [
        ("8-915-123-45-67", "+79151234567"),
        ("8 (915) 123 45 67", "+79151234567"),
        ("9151234567", "+79151234567"),
        ("+7 915 123-45-67", "+79151234567"),
        ("+380 50 123 45 67", "+380501234567"),
        ("050 123 45 67", "+380501234567"),
        ("380501234567", "+380501234567"),
        ("8-915-123-45-67, 8-916-000-00-00", "+79151234567"),
        ("телефон нет", None),
        ("12", None),
    ],
)
def test_phones_normalised(typed: str, phone: str | None) -> None:
    assert sheets.normal_phone(typed) == phone


def test_mapping_guessed_from_ru_uk_en_headers_and_values(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "list.xlsx", HEADER, volunteer_rows(), title="Список ПВР")
    sheet = sheets.read_sheet(path)
    assert sheet.first_row == 2 and sheet.header == HEADER
    assert sheets.guess(sheet).columns == [
        "", "full_name", "birth_date", "phone", "address", "origin", "household_size"
    ]  # fmt: skip
    uk = ["Прізвище", "Ім'я", "По батькові", "Дата народження", "Стать", "Населений пункт"]
    assert [sheets._field_of_header(h) for h in uk] == [
        "family_name", "given_name", "patronymic", "birth_date", "sex", "origin"
    ]  # fmt: skip
    en = ["Family ID", "Full name", "DOB", "Mobile", "Household size"]
    assert [sheets._field_of_header(h) for h in en] == [
        "household", "full_name", "birth_date", "phone", "household_size"
    ]  # fmt: skip
    # Headers saying nothing: the values tell.
    bare = sheets.Sheet("s", ["A", "B", "C"], [
        ["Иванова Мария Петровна", "14.03.1948", "8-915-123-45-67"],
        ["Петров Олег Иванович", "02.07.1975", "+380501234567"],
    ])  # fmt: skip
    assert sheets.guess(bare).columns == ["full_name", "birth_date", "phone"]


def test_list_dry_run_names_row_and_column_in_the_users_language(
    operation, reception_point, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = write_xlsx(tmp_path / "list.xlsx", HEADER, volunteer_rows(), title="Список ПВР")
    with translation.override("ru"):
        out = refuge_import("households", str(path), "--report", str(tmp_path / "r.xlsx"))
    # the title is row 1, the header row 2: the single person is row 3, the seven rows 4-10
    assert "ФИО -> full_name" in out and "Дата рождения -> birth_date" in out
    assert "row 11, Дата рождения: отклонено: нет такой даты: 31.02.1980" in out
    assert "row 12, Телефон: отклонено: «телефон нет» — это не номер телефона" in out
    assert "row 12, Нас. пункт: отклонено: Нью-Васюки" in out
    assert "2 accepted, 2 rejected, 0 already imported" in out
    assert not Household.objects.exists()
    assert (tmp_path / "r.xlsx").exists()


def test_list_applied_through_the_kobo_path_once(
    operation, reception_point, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = write_xlsx(tmp_path / "list.xlsx", HEADER, volunteer_rows())
    out = refuge_import("households", str(path), "--apply")
    assert "2 households registered" in out
    single = Person.objects.get(family_name="Шевчук")
    assert (single.given_name, single.patronymic, single.sex) == ("Григорий", "Тарасович", "M")
    assert (single.birth_year, single.birth_month, single.birth_day) == (1948, 3, 15)
    assert single.household.phone == "+79151234567"
    family = Household.objects.get(members__given_name="Ольга")
    assert family.members.count() == 7 and family.phone == "+380501234567"
    artem = family.members.get(given_name="Артём")
    assert (artem.birth_year, artem.birth_month, artem.birth_day) == (2009, 3, None)
    assert family.members.get(given_name="Иван").birth_year == 1975
    assert family.origin.name_ru == "Суджа" and family.reception_point == reception_point
    assert Movement.objects.filter(household=family, kind=Movement.Kind.REGISTERED).count() == 7
    # The same list again (ids renumbered, a row moved): nothing twice.
    rows = volunteer_rows(first_id=5000)
    rows.insert(0, rows.pop(1 + 7 + 1))
    again = refuge_import(
        "households", str(write_xlsx(tmp_path / "again.xlsx", HEADER, rows)), "--apply"
    )
    assert "0 accepted, 2 rejected, 2 already imported" in again
    assert Household.objects.count() == 2


def test_grouping_by_family_column_mapping_file_and_memory(
    operation, reception_point, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "list.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["Сім'я", "Прізвище", "Ім'я", "По батькові", "Д.н.", "Звідки", "Стать"])
        w.writerow(["1207", "Бондаренко", "Оксана", "Василівна", "14.03.1948", "Суджа", "ж"])
        w.writerow(["1208", "Ткаченко", "Петро", "Іванович", "1950", "Суджа", "ч"])
        w.writerow(["1207", "Бондаренко", "Микола", "Петрович", "20.10.1946", "Суджа", "ч"])
    # The user says the fifth column is not a birth date after all.
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"columns": {
        "Сім'я": "household", "Прізвище": "family_name", "Ім'я": "given_name",
        "По батькові": "patronymic", "Звідки": "origin", "Стать": "sex",
    }, "mode": "own", "destination": "relatives"}), encoding="utf-8")  # fmt: skip
    out = refuge_import("households", str(path), "--mapping", str(mapping), "--apply")
    assert "Д.н. -> -" in out and "2 households registered" in out
    couple = Household.objects.get(members__given_name="Оксана")
    assert sorted(couple.members.values_list("given_name", flat=True)) == ["Микола", "Оксана"]
    assert couple.members.get(given_name="Оксана").birth_year is None
    assert couple.destination == "relatives"
    assert SavedMapping.objects.count() == 1
    # Next time, no --mapping: the remembered one is offered for the same headers.
    out = refuge_import("households", str(path))
    assert "remembered for these headers" in out and "Д.н. -> -" in out


def test_household_size_disagreeing_with_rows_is_rejected(
    operation, reception_point, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    rows = [[1, "Сидоров Пётр Ильич", "1950", "", "", "Суджа", 4]]
    out = refuge_import("households", str(write_xlsx(tmp_path / "l.xlsx", HEADER, rows)))
    assert "row 2, Кол-во членов семьи: rejected: the household size says 4" in out


def test_ods_list_read(operation, reception_point, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pd = pytest.importorskip("pandas")
    pytest.importorskip("odf")
    path = tmp_path / "list.ods"
    frame = pd.DataFrame(volunteer_rows()[:8], columns=HEADER)
    frame.to_excel(path, engine="odf", index=False)
    sheet = sheets.read_sheet(path)
    assert sheet.header == HEADER and sheet.rows[1][1] == "Коваленко Ольга Петровна"
    assert "2 accepted, 0 rejected" in refuge_import("households", str(path))


def test_bad_mapping_refused(operation, reception_point, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_xlsx(tmp_path / "list.xlsx", HEADER, volunteer_rows())
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"columns": {"ФИО": "shoe_size"}}), encoding="utf-8")
    with pytest.raises(CommandError, match="shoe_size"):
        refuge_import("households", str(path), "--mapping", str(mapping))


def test_needs_read_from_codes_and_ru_uk_words(operation, reception_point, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    header = ["ФИО", "Нас. пункт", "Потребности"]
    rows = [
        ["Лысенко Павел Андреевич", "Суджа", "колясочник; elderly_alone"],
        ["Гончар Ірина Петрівна", "Суджа", "вагітна"],
        ["Зайцев Олег Игоревич", "Суджа", "летает"],
    ]
    out = refuge_import("households", str(write_xlsx(tmp_path / "n.xlsx", header, rows)), "--apply")
    assert (
        "row 4, Потребности: rejected: needs not understood: «летает»; write one of: "
        "wheelchair, medical care, pregnant, unaccompanied minor, elderly alone"
    ) in out
    assert sorted(Person.objects.get(family_name="Лысенко").needs) == [
        "elderly_alone",
        "wheelchair",
    ]
    assert list(Person.objects.get(family_name="Гончар").needs) == ["pregnant"]


def test_ods_bomb_refused_before_it_unpacks(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "bomb.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("content.xml", b"<" + b"0" * (60 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(sheets.BadFile, match="would unpack to"):
        sheets.read_sheet(path)


def test_cli_progress_draws_a_bar_on_a_terminal_and_lines_elsewhere() -> None:
    from refuge.jobs.progress import cli_progress

    class Terminal(StringIO):
        def isatty(self) -> bool:
            return True

    term, pipe, log = Terminal(), StringIO(), StringIO()
    for stream, lines in ((term, False), (pipe, True), (log, False)):
        with cli_progress("households", stream, lines=lines) as progress:
            progress(200, 1041)
            progress(1041, 1041)
    assert log.getvalue() == ""  # quiet off a terminal unless lines are asked for
    assert "households" in term.getvalue() and "1041/1041" in term.getvalue()
    assert "━" in term.getvalue()  # rich's bar
    assert pipe.getvalue() == "\r200/1041 households\r1041/1041 households\n"


def test_a_household_listed_twice_is_imported_once(
    operation, reception_point, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    rows = [volunteer_rows()[0], volunteer_rows(first_id=2001)[0]]
    with translation.override("uk"):
        out = refuge_import(
            "households", str(write_xlsx(tmp_path / "l.xlsx", HEADER, rows)), "--apply"
        )
    assert "row 3, ФИО: попередження: та сама сім'я є у списку двічі" in out
    assert Household.objects.count() == 1


@pytest.mark.parametrize("language", ["en", "ru", "uk"])
def test_every_need_a_refusal_suggests_is_understood(language: str) -> None:
    from django.utils import translation

    from refuge.registry.actions import NEEDS

    with translation.override(language):
        suggested = [w.strip() for w in str(sheets.NEEDS_UNDERSTOOD).split(",")]
    assert sorted(sheets._need(w) for w in suggested) == sorted(NEEDS)
