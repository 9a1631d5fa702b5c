"""Households as they live in the border districts: sizes, ages, names, needs.

Household types and their shares are approximations for rural south-western Russia
(Kursk oblast's border districts are old: about a third of residents are pensioners,
per Kurskstat's 2021 census results), tuned so the mean household size is about 2.6.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from refuge.core.population.names import NameBook, patronymic, surname_for

REFERENCE_DATE = date(2024, 8, 6)

# (kind, share): who lives together.
HOUSEHOLD_TYPES = (
    ("elderly_alone", 0.21),
    ("elderly_couple", 0.18),
    ("couple_with_children", 0.25),
    ("single_parent", 0.08),
    ("three_generations", 0.12),
    ("couple", 0.10),
    ("adult_alone", 0.06),
)


@dataclass(frozen=True)
class Member:
    given_name: str
    patronymic: str
    family_name: str
    sex: str  # "F" | "M"
    birth_year: int
    birth_month: int | None
    birth_day: int | None
    needs: frozenset[str]
    consents_to_be_found: bool

    @property
    def age(self) -> int:
        return REFERENCE_DATE.year - self.birth_year


@dataclass(frozen=True)
class HouseholdMembers:
    kind: str
    members: tuple[Member, ...]
    phone: str

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def needs(self) -> frozenset[str]:
        return frozenset().union(*(m.needs for m in self.members))


class HouseholdMaker:
    def __init__(self, rng: random.Random, names: NameBook | None = None) -> None:
        self.rng = rng
        self.names = names or NameBook()
        kinds, shares = zip(*HOUSEHOLD_TYPES, strict=True)
        self._kinds = list(kinds)
        self._shares = list(shares)

    def make(self) -> HouseholdMembers:
        rng = self.rng
        kind = rng.choices(self._kinds, weights=self._shares)[0]
        surname = self.names.surname(rng)
        people: list[tuple[str, int, str | None]] = []  # (sex, age, father's given name)
        grandfather = self._adult_name("M", rng.randint(1930, 1960))
        if kind == "elderly_alone":
            people = [(rng.choices("FM", weights=(0.72, 0.28))[0], rng.randint(66, 92), None)]
        elif kind == "elderly_couple":
            age = rng.randint(63, 88)
            people = [("M", age, None), ("F", age - rng.randint(-2, 6), None)]
        elif kind in ("couple_with_children", "single_parent", "three_generations"):
            parent_age = rng.randint(24, 50)
            if kind == "single_parent":
                people = [("F", parent_age, None)]
            else:
                people = [("M", parent_age + rng.randint(0, 4), None), ("F", parent_age, None)]
            children = rng.choices((1, 2, 3, 4), weights=(0.45, 0.38, 0.13, 0.04))[0]
            for _ in range(children):
                people.append((rng.choice("FM"), rng.randint(0, min(17, parent_age - 18)), "*"))
            if kind == "three_generations":
                people.append((rng.choices("FM", weights=(0.7, 0.3))[0], parent_age + 26, None))
        elif kind == "couple":
            age = rng.randint(25, 62)
            people = [("M", age + rng.randint(0, 4), None), ("F", age, None)]
        else:
            people = [(rng.choices("FM", weights=(0.45, 0.55))[0], rng.randint(19, 64), None)]
        members = self._name(people, surname, grandfather, kind)
        return HouseholdMembers(kind=kind, members=tuple(members), phone=self._phone())

    def _adult_name(self, sex: str, birth_year: int) -> str:
        return self.names.given_name(self.rng, sex, birth_year)

    def _name(
        self,
        people: list[tuple[str, int, str | None]],
        surname: str,
        grandfather: str,
        kind: str,
    ) -> list[Member]:
        rng = self.rng
        father_given = None
        members = []
        for sex, age, father in people:
            birth_year = REFERENCE_DATE.year - age
            given = self.names.given_name(rng, sex, birth_year)
            if sex == "M" and father is None and father_given is None:
                father_given = given
            # Children take the household father's name; adults, their own fathers'
            # (siblings of the grandparents' generation share the grandfather's).
            if father and father_given:
                dad = father_given
            elif rng.random() < 0.3:
                dad = grandfather
            else:
                dad = self._adult_name("M", birth_year - 28)
            members.append(
                Member(
                    given_name=given,
                    patronymic=patronymic(dad, sex),
                    family_name=surname_for(surname, sex),
                    sex=sex,
                    birth_year=birth_year,
                    **self._birth_month_day(),
                    needs=self._needs(sex, age, alone=kind == "elderly_alone"),
                    consents_to_be_found=rng.random() < 0.72,
                )
            )
        return members

    def _birth_month_day(self) -> dict[str, int | None]:
        rng = self.rng
        precision = rng.random()
        if precision < 0.07:  # only the year is known (documents left behind)
            return {"birth_month": None, "birth_day": None}
        month = rng.randint(1, 12)
        if precision < 0.10:
            return {"birth_month": month, "birth_day": None}
        return {"birth_month": month, "birth_day": rng.randint(1, 28)}

    def _needs(self, sex: str, age: int, *, alone: bool) -> frozenset[str]:
        rng = self.rng
        needs = set()
        if rng.random() < (0.07 if age >= 70 else 0.006):
            needs.add("wheelchair")
        if rng.random() < (0.12 if age >= 65 else 0.02):
            needs.add("medical")
        if sex == "F" and 19 <= age <= 40 and rng.random() < 0.04:
            needs.add("pregnant")
        if alone and age >= 65:
            needs.add("elderly_alone")
        return frozenset(needs)

    def _phone(self) -> str:
        rng = self.rng
        if rng.random() < 0.08:
            return ""  # no phone, or lost in the evacuation
        return f"+7 9{rng.randint(0, 99):02d} {rng.randint(0, 999):03d}-{rng.randint(0, 99):02d}-{rng.randint(0, 99):02d}"
