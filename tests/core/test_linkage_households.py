"""Households in the scan: relatives are not duplicates; a family registered twice pairs up."""

from __future__ import annotations

from refuge.core.linkage.engine import RefugeLinker, reference_model
from refuge.core.linkage.households import household_pairs, pair_members
from refuge.core.linkage.records import BirthDate, PersonRecord

PHONE, HOME, STREET = "+7 951 318-22-47", "Суджа", "ул. Ленина, д. 12"


def person(rid: str, given: str, patronymic: str, family: str, sex: str, born: str) -> PersonRecord:
    return PersonRecord(
        record_id=rid, given_name=given, patronymic=patronymic, family_name=family, sex=sex,
        birth_date=BirthDate.parse(born), phone=PHONE, settlement=HOME, address=STREET,
    )  # fmt: skip


FAMILY = [  # one household: spouses, twins, a grandmother and a granddaughter of one name
    person("1", "Пётр", "Сергеевич", "Коваленко", "m", "1961-04-02"),
    person("2", "Мария", "Ивановна", "Коваленко", "f", "1963-11-20"),
    person("3", "Анна", "Петровна", "Коваленко", "f", "2010-05-05"),
    person("4", "Дарья", "Петровна", "Коваленко", "f", "2010-05-05"),
    person("5", "Ольга", "Ивановна", "Коваленко", "f", "1938-03-14"),
    person("6", "Ольга", "Петровна", "Коваленко", "f", "1990-03-04"),
]
AGAIN = [  # the same family at another desk
    person("11", "Petro", "", "Kovalenko", "m", "1961-04-02"),
    person("12", "Маша", "Ивановна", "Коваленко", "f", "1963-11-20"),
    person("13", "Анна", "Петровна", "Коваленко", "f", "2010-05-05"),
    person("14", "Дарья", "", "Коваленко", "f", "2010-05-05"),
]


def _scan(records: list[PersonRecord], household_of: dict[str, str]) -> set[tuple[str, str]]:
    result = RefugeLinker(model=reference_model()).dedupe(records)
    pairs = household_pairs(result.scored_pairs(0.5), household_of, 0.5)
    return {(p.left_id, p.right_id) for p in pairs}


def test_members_of_one_household_are_not_paired_on_what_they_share() -> None:
    unfiltered = RefugeLinker(model=reference_model()).dedupe(FAMILY).scored_pairs(0.5)
    assert unfiltered, "the engine alone queues relatives: the rule has something to do"
    assert _scan(FAMILY, dict.fromkeys("123456", "A")) == set()


def test_a_family_registered_twice_pairs_each_member_once() -> None:
    household_of = {**dict.fromkeys("123456", "A"), **dict.fromkeys(["11", "12", "13", "14"], "B")}
    assert _scan(FAMILY + AGAIN, household_of) == {
        ("1", "11"),
        ("2", "12"),
        ("3", "13"),
        ("4", "14"),
    }


def test_pair_members_leaves_a_member_without_partner_alone() -> None:
    pairs = pair_members(reference_model(), FAMILY, AGAIN[:2])
    assert [(FAMILY[p.left].record_id, AGAIN[p.right].record_id) for p in pairs] == [
        ("1", "11"),
        ("2", "12"),
    ]
    assert all(p.probability >= 0.5 and not p.contradictions for p in pairs)
