"""Russian/Ukrainian forms, diminutives, patronymics and surname gender forms."""

import pytest

from refuge.core.names.forms import (
    father_identities,
    feminine_surname,
    given_identities,
    identity_names,
    patronymic,
    same_given_name,
    surname_for_sex,
    surname_stem,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Александр", "Олександр"),
        ("Наталья", "Наталія"),
        ("Татьяна", "Тетяна"),
        ("Таня", "Tetiana"),
        ("Саша", "Oleksandr"),
        ("Дмитрий", "Dmytro"),
        ("Михаил", "Michail"),
        ("Николай", "Mykola"),
        ("Ганна", "Anna"),
        ("Лёша", "Oleksiy"),
        ("Слава", "Vyacheslav"),
    ],
)
def test_forms_and_diminutives_denote_one_name(a: str, b: str) -> None:
    assert same_given_name(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Александр", "Александра"), ("Иван", "Илья"), ("Алексей", "Александр"), ("Юлия", "Юрий")],
)
def test_different_names_stay_different(a: str, b: str) -> None:
    assert not same_given_name(a, b)


def test_typo_finds_its_name_but_not_a_stranger() -> None:
    assert identity_names(given_identities("Aleksandt")) == ["alexander"]
    assert given_identities("Xyzzy") == 0


@pytest.mark.parametrize(
    ("father", "sex", "lang", "expected"),
    [
        ("Сергей", "f", "ru", "Сергеевна"),
        ("Юрий", "m", "ru", "Юрьевич"),
        ("Игорь", "m", "ru", "Игоревич"),
        ("Илья", "f", "ru", "Ильинична"),
        ("Павел", "m", "ru", "Павлович"),
        ("Сергій", "f", "uk", "Сергіївна"),
        ("Петро", "f", "uk", "Петрівна"),
        ("Микола", "m", "uk", "Миколайович"),
        ("Федір", "m", "uk", "Федорович"),
    ],
)
def test_patronymic_rules(father: str, sex: str, lang: str, expected: str) -> None:
    assert patronymic(father, sex, lang) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "father"),
    [
        ("Олександрівна", "alexander"),
        ("Aleksandrovich", "alexander"),
        ("Сергеевна", "sergey"),
        ("Serhiyivna", "sergey"),
        ("Ильинична", "ilya"),
        ("Яковлевич", "yakov"),
        ("Львівна", "lev"),
    ],
)
def test_patronymic_names_the_father(text: str, father: str) -> None:
    assert father in identity_names(father_identities(text))


@pytest.mark.parametrize(
    ("masculine", "feminine"),
    [("Иванов", "Иванова"), ("Ковальский", "Ковальская"), ("Ковальський", "Ковальська"),
     ("Толстой", "Толстая"), ("Бережний", "Бережна"), ("Шевченко", "Шевченко")],
)  # fmt: skip
def test_surname_gender_forms_share_a_stem(masculine: str, feminine: str) -> None:
    assert feminine_surname(masculine) == feminine
    assert surname_stem(masculine) == surname_stem(feminine)


def test_surname_stem_sees_through_transliteration() -> None:
    assert surname_stem("Ivanova") == surname_stem("Иванов") == surname_stem("Iwanow")
    assert surname_stem("Kovalska") == surname_stem("Ковальский")
    assert surname_stem("Петров") != surname_stem("Петренко")


@pytest.mark.parametrize(
    ("typed", "sex", "expected"),
    [("Иванов", "F", "Иванова"), ("Иванова", "M", "Иванов"), ("Иванова", "F", "Иванова"),
     ("Иванов", "M", "Иванов"), ("Медведев", "F", "Медведева"), ("Соловьёва", "M", "Соловьёв"),
     ("Ильин", "F", "Ильина"), ("Сидорина", "M", "Сидорин"),
     ("Ковальский", "F", "Ковальская"), ("Ковальская", "M", "Ковальский"),
     ("Жолудевский", "F", "Жолудевская"), ("Троцкий", "F", "Троцкая"), ("Троцкая", "M", "Троцкий"),
     ("Ковальський", "F", "Ковальська"), ("Ковальська", "M", "Ковальський"),
     ("Шевченко", "F", "Шевченко"), ("Ковальчук", "F", "Ковальчук"), ("Бойко", "M", "Бойко"),
     ("ИВАНОВ", "F", "ИВАНОВА"), ("Ivanov", "F", "Ivanova"), ("Ivanova", "M", "Ivanov"),
     ("Иванов", "", "Иванов"), ("Ин", "F", "Ин")],
)  # fmt: skip
def test_a_family_members_surname_takes_their_sexs_form(
    typed: str, sex: str, expected: str
) -> None:
    assert surname_for_sex(typed, sex) == expected
