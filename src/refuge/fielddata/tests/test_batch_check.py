"""The import's batched duplicate check finds exactly what the desk's check finds.

The desk checks one household at a time (`find_possible_duplicates`) and registers it
before the next is checked; the import checks a batch's members together
(`keys.BatchCheck`). On a registry of Russian and Ukrainian families and an export
whose households repeat registered people (typing slips, a day and month swapped, the
Ukrainian spelling, a year only) and each other (the same family sent twice by two
mobile teams), both must queue the same pairs with the same scores, also when blocks
and candidate lists are cut (`MAX_BLOCK`, `MAX_CANDIDATES` made small).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import transaction

from refuge.accounts.scope import Actor
from refuge.conftest import msk
from refuge.desks.duplicates import find_possible_duplicates
from refuge.fielddata import imports
from refuge.geo.models import Settlement
from refuge.operations.selectors import coverage_start
from refuge.registry.actions import (
    MemberData,
    Registration,
    do_register_household,
    do_register_households,
)
from refuge.registry.models import Household, Person
from refuge.tracing import keys

FAMILIES = [
    ("Иванов", "Иванова"), ("Петренко", "Петренко"), ("Коваленко", "Коваленко"),
    ("Шевченко", "Шевченко"), ("Сидоров", "Сидорова"), ("Бондаренко", "Бондаренко"),
    ("Кузнецов", "Кузнецова"), ("Ткаченко", "Ткаченко"), ("Мельник", "Мельник"),
]  # fmt: skip
MEN = ["Иван", "Іван", "Александр", "Олександр", "Сергей", "Сергій", "Николай", "Микола"]
WOMEN = ["Татьяна", "Тетяна", "Мария", "Марія", "Наталья", "Наталія", "Ольга", "Ганна"]
FATHERS = ["Петров", "Иванов", "Сергеев", "Николаев"]
UKRAINIAN = {"Иван": "Іван", "Сергей": "Сергій", "Татьяна": "Тетяна", "Мария": "Марія"}


def person(rng: random.Random) -> MemberData:
    family = rng.choice(FAMILIES)
    male = rng.random() < 0.5
    father = rng.choice(FATHERS)
    return MemberData(
        given_name=rng.choice(MEN if male else WOMEN),
        family_name=family[0 if male else 1],
        patronymic=father + ("ич" if male else "на"),
        sex="M" if male else "F",
        birth_year=rng.randint(1938, 2023),
        birth_month=rng.randint(1, 12),
        birth_day=rng.randint(1, 28),
    )


def variant(rng: random.Random, m: MemberData) -> MemberData:
    """The same person as another team typed them."""
    how = rng.randrange(5)
    if how == 0 and m.birth_month and m.birth_day and m.birth_day <= 12:
        return replace(m, birth_month=m.birth_day, birth_day=m.birth_month)
    if how == 1:
        return replace(m, given_name=UKRAINIAN.get(m.given_name, m.given_name))
    if how == 2:
        return replace(m, birth_month=None, birth_day=None)
    if how == 3 and len(m.family_name) > 4:
        return replace(m, family_name=m.family_name[:-2] + m.family_name[-1])
    return m


def registration(
    rng: random.Random, point, origins, members: list[MemberData], day: int
) -> Registration:  # type: ignore[no-untyped-def]
    at = msk(day, rng.randint(8, 20), rng.randint(0, 59))
    return Registration(
        reception_point=point, origin=rng.choice(origins), left_at=at - timedelta(hours=5),
        mode="own", registered_at=at, destination=rng.choice(["relatives", "shelter"]),
        members=members, phone=f"+7 910 {rng.randint(100, 999)}-45-{rng.randint(10, 99)}",
        idempotency_key=uuid.UUID(int=rng.getrandbits(128)),
    )  # fmt: skip


def family(rng: random.Random) -> list[MemberData]:
    size = rng.choice([1, 1, 2, 2, 3, 4, 7])
    return [person(rng) for _ in range(size)]


def sample(point, seed: int = 14) -> tuple[list[Registration], list[Registration]]:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    origins = list(Settlement.objects.filter(pk__in=coverage_start(point.operation))[:20])
    registry = [registration(rng, point, origins, family(rng), 8) for _ in range(260)]
    export: list[Registration] = []
    for _ in range(230):
        roll = rng.random()
        if roll < 0.3:  # someone registered at a desk before, with a relative or two
            earlier = rng.choice(registry).members
            members = [variant(rng, rng.choice(earlier))] + family(rng)[:2]
        elif roll < 0.45 and export:  # a family another team sent too
            members = [variant(rng, m) for m in rng.choice(export).members]
        else:
            members = family(rng)
        export.append(registration(rng, point, origins, members, 10))
    return registry, export


def ids(pairs: list[keys.ReviewPair]) -> list[tuple]:  # type: ignore[type-arg]
    """The pairs with the import's persons named by submission and member, not by pk."""
    named = {
        p.pk: ("export", str(p.household.idempotency_key), n)
        for h in Household.objects.filter(registered_at__day=10)
        for n, p in enumerate(h.members.order_by("pk").select_related("household"))
    }
    return sorted(
        (
            (named[p.registered_id], named.get(p.other_id, ("registry", p.other_id)))
            + (p.probability, p.evidence)
            for p in pairs
        ),
        key=repr,
    )


@pytest.mark.parametrize("tight", [False, True], ids=["desk-limits", "small-blocks"])
def test_the_batched_check_queues_the_pairs_the_desk_check_would(
    reception_point, monkeypatch, tight: bool
) -> None:
    if tight:  # blocks and candidate lists cut, so the counting at the edges is tested
        monkeypatch.setattr(keys, "MAX_BLOCK", 6)
        monkeypatch.setattr(keys, "MAX_CANDIDATES", 4)
    monkeypatch.setattr(imports, "BATCH", 70)  # four batches: checks across them too
    registry, export = sample(reception_point)
    do_register_households(operation=reception_point.operation, registrations=registry)
    keys.index_all()
    queued: list[keys.ReviewPair] = []
    real_queue = keys.queue_for_review

    def recording(operation_id: int, pairs) -> None:  # type: ignore[no-untyped-def]
        queued.extend(pairs)
        real_queue(operation_id, pairs)

    monkeypatch.setattr(keys, "queue_for_review", recording)

    with transaction.atomic():  # the desk: one household after another, then undone
        for r in export:
            found = find_possible_duplicates(r.members, reception_point.operation, r.phone)
            household, _ = do_register_household(
                operation=reception_point.operation, registration=r
            )
            people = keys.index_household(household.pk)
            keys.queue_for_review(
                reception_point.operation_id,
                [
                    keys.ReviewPair(people[d.member_index], d.person_id, d.probability, d.evidence)
                    for d in found
                ],
            )
        one_by_one = ids(queued)
        transaction.set_rollback(True)
    queued.clear()
    assert not Household.objects.filter(registered_at__day=10).exists()

    report = imports.Report(accepted=export)
    created = imports.apply(
        operation=reception_point.operation, report=report, actor=Actor(None, None),
        file_name="kobo.xlsx", file_hash="0" * 64,
    )  # fmt: skip
    assert created == len(export)
    batched = ids(queued)

    assert batched == one_by_one
    in_export = [p for p in batched if p[1][0] == "export"]
    assert len(in_export) >= 10 and len(batched) - len(in_export) >= 30, (len(batched), in_export)
    assert Person.objects.count() == sum(len(r.members) for r in registry + export)


def test_the_batch_persons_built_from_what_was_written_are_those_read_back(
    reception_point,
) -> None:
    """The import checks its batch's persons as it wrote them (no read-back): they must
    be what the registry holds, spaces around names, documents and phones included."""
    _, export = sample(reception_point, seed=3)
    export = export[:40]
    export[0] = replace(
        export[0],
        members=[
            replace(export[0].members[0], given_name=" Иван ", family_name="Иванов  ",
                    patronymic=" Петрович", document_number=" 38 04 123456 "),
            *export[0].members[1:],
        ],
        phone=" +7 (910) 123-45-67",
    )  # fmt: skip
    written = imports.do_register_new_households(
        operation=reception_point.operation, registrations=export
    )
    built = imports.as_written(written, export)
    assert built == read_back([n.household.pk for n in written])


def read_back(household_ids: list[int]) -> list[list[keys.Registered]]:
    """Each household's persons read from the database as the check loads them."""
    mine: dict[int, list[keys.Registered]] = {h: [] for h in household_ids}
    persons = Person.objects.filter(household_id__in=household_ids).order_by("pk")
    for p in keys._loaded(persons):
        mine[p.household_id].append(p)
    return [mine[h] for h in household_ids]
