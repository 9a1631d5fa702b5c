"""The labelled generator is deterministic and really contains what the docs promise."""

from refuge.core.linkage.generator import generate
from refuge.core.names.forms import same_given_name


def test_same_seed_same_data() -> None:
    assert generate(500, seed=3).records == generate(500, seed=3).records
    assert generate(500, seed=3).records != generate(500, seed=4).records


def test_hard_negatives_of_each_kind() -> None:
    data = generate(5000, seed=9)
    kinds = {kind for _, _, kind in data.hard_negatives}
    assert kinds == {"twins", "father-son", "relatives"}


def test_corruptions_appear() -> None:
    data = generate(5000, seed=9)
    records = data.records
    assert any(r.given_name.isascii() and r.given_name for r in records)  # Latin lists
    assert any(not r.patronymic for r in records)
    assert any(r.birth_date and r.birth_date.day is None for r in records)
    by_person: dict[str, list[int]] = {}
    for row, person in enumerate(data.person_of):
        by_person.setdefault(person, []).append(row)
    swapped = sum(
        1 for rows in by_person.values() for a in rows for b in rows
        if a < b and same_given_name(records[a].given_name, records[b].family_name)
    )  # fmt: skip
    assert swapped > 0
