"""A registration typed again with the generator's corruptions (the scenario's duplicates)."""

from __future__ import annotations

import random

from refuge.core.linkage.generator import masculine_surname, reregistration
from refuge.core.linkage.records import BirthDate, PersonRecord
from refuge.core.names.forms import same_given_name, surname_stem

TATIANA = PersonRecord(
    record_id="1", given_name="Татьяна", patronymic="Петровна", family_name="Иванова",
    sex="F", birth_date=BirthDate(1952, 3, 4), phone="+7 912 345-67-89",
)  # fmt: skip


def test_the_same_seed_types_the_same_second_registration() -> None:
    first = [reregistration(random.Random(7), TATIANA, f"r{i}", "shelter") for i in range(3)]
    again = [reregistration(random.Random(7), TATIANA, f"r{i}", "shelter") for i in range(3)]
    assert first == again


def test_retyped_names_are_still_hers_but_not_always_as_first_typed() -> None:
    rng = random.Random(2024)
    typed = [reregistration(rng, TATIANA, f"r{i}", "shelter") for i in range(300)]
    assert {t.given_name for t in typed} >= {"Татьяна", "Таня", "Тетяна"}
    assert any(t.family_name == "Иванов" for t in typed)  # the masculine form
    assert any(t.patronymic == "" for t in typed)
    assert any(t.birth_date == BirthDate(1952, 4, 3) for t in typed)  # day and month swapped
    same_name = [t for t in typed if t.given_name and not t.given_name.isascii()]
    assert sum(same_given_name(t.given_name, "Татьяна") for t in same_name) >= 0.9 * len(same_name)
    assert sum(surname_stem(t.family_name) == "ivanov" for t in typed) >= 0.8 * len(typed)


def test_a_name_the_table_does_not_know_keeps_its_form() -> None:
    zoriana = PersonRecord(record_id="2", given_name="Зоряна", family_name="Коваль", sex="F",
                           birth_date=BirthDate(1990, 7, 1))  # fmt: skip
    typed = [reregistration(random.Random(i), zoriana, "r", "reception") for i in range(50)]
    assert sum(t.given_name == "Зоряна" for t in typed) >= 40


def test_masculine_surname_undoes_the_feminine_ending() -> None:
    assert [masculine_surname(s) for s in ("Иванова", "Ковальская", "Ковальська", "Коваленко")] == [
        "Иванов", "Ковальский", "Ковальський", "Коваленко",
    ]  # fmt: skip
