"""The registration desk's check: ranked candidates with evidence, from the same model."""

from refuge.core.linkage.engine import Decision, reference_model
from refuge.core.linkage.generator import generate
from refuge.core.linkage.index import PersonIndex
from refuge.core.linkage.records import BirthDate, PersonRecord


def test_desk_finds_the_grandmother_first() -> None:
    registered = generate(3000, seed=5).records + [
        PersonRecord("granny", "Татьяна", "Ивановна", "Петрова", "f", BirthDate(1948, 3, 7),
                     settlement="Суджа"),
        PersonRecord("twin-sister", "Ольга", "Ивановна", "Петрова", "f", BirthDate(1948, 3, 7),
                     settlement="Суджа"),
    ]  # fmt: skip
    index = PersonIndex.build(registered, model=reference_model())
    arriving = PersonRecord("new", "Tanya", "", "Petrov", "", BirthDate(1948, 7, 3))
    found = index.check_one(arriving)
    assert found[0].record_id == "granny"
    assert found[0].decision is Decision.MERGE
    sister = next(c for c in found if c.record_id == "twin-sister")
    assert "given_name" in sister.contradictions and sister.decision is not Decision.MERGE


def test_stranger_gets_no_candidates() -> None:
    index = PersonIndex.build(generate(2000, seed=6).records, model=reference_model())
    stranger = PersonRecord("x", "Zebulon", "", "Quarterfield", "", BirthDate(1999, 1, 1))
    assert index.check_one(stranger) == []
