"""Russian personal names drawn with realistic frequencies.

Faker's ru_RU lists hold about 320 male and 80 female given names; drawn uniformly,
a village would have as many Пров and Аполлон as Александр. Real frequencies are
steep: a handful of names cover most people of a generation. The shares below are
approximations by the Refuge developers, rounded, after published frequency lists
of Russian given names (A. V. Superanskaya, "Словарь русских личных имён", with its
frequency notes; registry-office birth statistics of Moscow and of Russian regions,
1950s-2010s, as summarised in the Russian Wikipedia article "Список общерусских
мужских/женских имён"). Two cohorts: people born before 1980, and since. Every
other Faker name shares the small remaining weight equally, so rare names do occur,
about as rarely as in life.

Surnames: Faker's ru_RU surname list is ordered by frequency (Смирнов, Иванов,
Кузнецов, … after B. O. Unbegaun / the "250 most common Russian surnames" list of
A. V. Zhuravlev), so a Zipf weight by rank is used; Ukrainian surnames (common in
the border districts) come from Faker's uk_UA list with a flat tail weight.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from itertools import accumulate

from faker.providers.person.ru_RU import Provider as RuNames
from faker.providers.person.uk_UA import Provider as UkNames

# Shares in per cent of people of that sex and cohort (approximate).
MALE_OLDER = {
    "Александр": 9.0,
    "Сергей": 7.5,
    "Владимир": 6.0,
    "Николай": 5.0,
    "Алексей": 4.5,
    "Андрей": 4.5,
    "Иван": 3.5,
    "Михаил": 3.5,
    "Виктор": 3.5,
    "Юрий": 3.0,
    "Анатолий": 2.8,
    "Василий": 2.8,
    "Евгений": 2.5,
    "Дмитрий": 2.5,
    "Игорь": 2.2,
    "Олег": 2.0,
    "Валерий": 2.0,
    "Геннадий": 1.8,
    "Петр": 1.8,
    "Виталий": 1.5,
    "Павел": 1.5,
    "Григорий": 1.2,
    "Леонид": 1.2,
    "Борис": 1.2,
    "Вячеслав": 1.0,
    "Валентин": 1.0,
    "Константин": 1.0,
    "Роман": 0.9,
    "Федор": 0.9,
    "Степан": 0.8,
}
MALE_YOUNGER = {
    "Александр": 8.0,
    "Дмитрий": 7.0,
    "Максим": 6.5,
    "Артем": 6.0,
    "Сергей": 5.0,
    "Андрей": 5.0,
    "Алексей": 4.5,
    "Иван": 4.5,
    "Никита": 4.0,
    "Михаил": 4.0,
    "Даниил": 3.5,
    "Егор": 3.5,
    "Кирилл": 3.5,
    "Илья": 3.0,
    "Владимир": 2.5,
    "Роман": 2.5,
    "Денис": 2.5,
    "Евгений": 2.2,
    "Павел": 2.0,
    "Матвей": 2.0,
    "Николай": 1.8,
    "Антон": 1.8,
    "Владислав": 1.5,
    "Тимофей": 1.2,
    "Георгий": 1.0,
}
FEMALE_OLDER = {
    "Татьяна": 7.5,
    "Елена": 7.0,
    "Ольга": 6.5,
    "Наталья": 6.5,
    "Галина": 4.5,
    "Валентина": 4.5,
    "Людмила": 4.5,
    "Нина": 4.0,
    "Светлана": 4.0,
    "Ирина": 4.0,
    "Надежда": 3.5,
    "Любовь": 3.5,
    "Мария": 3.0,
    "Анна": 3.0,
    "Тамара": 2.5,
    "Лидия": 2.2,
    "Зинаида": 2.0,
    "Раиса": 2.0,
    "Вера": 2.0,
    "Марина": 2.0,
    "Лариса": 1.8,
    "Александра": 1.5,
    "Екатерина": 1.5,
    "Антонина": 1.5,
    "Евдокия": 1.0,
}
FEMALE_YOUNGER = {
    "Анастасия": 8.0,
    "Мария": 6.5,
    "Екатерина": 6.0,
    "Анна": 6.0,
    "Дарья": 5.5,
    "Юлия": 4.5,
    "Виктория": 4.5,
    "Елена": 4.0,
    "Ольга": 3.5,
    "Полина": 3.5,
    "Алина": 3.5,
    "Ксения": 3.0,
    "Елизавета": 3.0,
    "Татьяна": 3.0,
    "Александра": 3.0,
    "Софья": 3.0,
    "Наталья": 2.5,
    "Валерия": 2.5,
    "Кристина": 2.0,
    "Ирина": 2.0,
    "Светлана": 1.8,
    "Арина": 1.8,
    "Вероника": 1.5,
    "Алена": 1.5,
    "Марина": 1.5,
}
RARE_SHARE = 6.0  # per cent shared by every other name in Faker's lists


def _weighted(common: dict[str, float], pool: Sequence[str]) -> tuple[list[str], list[float]]:
    rare = [n for n in dict.fromkeys(pool) if n not in common]
    names = list(common) + rare
    weights = list(common.values()) + [RARE_SHARE / max(1, len(rare))] * len(rare)
    return names, list(accumulate(weights))


class NameBook:
    """Draws given names, patronymics and surnames as they occur in the border districts."""

    def __init__(self, ukrainian_surname_share: float = 0.2) -> None:
        male_pool = [n.replace("ё", "е") for n in RuNames.first_names_male]
        female_pool = [n.replace("ё", "е") for n in RuNames.first_names_female]
        self._given = {
            ("M", False): _weighted(MALE_OLDER, male_pool),
            ("M", True): _weighted(MALE_YOUNGER, male_pool),
            ("F", False): _weighted(FEMALE_OLDER, female_pool),
            ("F", True): _weighted(FEMALE_YOUNGER, female_pool),
        }
        ru = list(dict.fromkeys(RuNames.last_names_male))
        # Border-district families with Ukrainian surnames are Russian citizens whose
        # names are written in Russian spelling.
        uk = [
            n.translate(_UK_TO_RU)
            for n in dict.fromkeys(UkNames.last_names)
            if _is_masculine_or_invariant(n)
        ]
        ru_weights = [1.0 / (rank + 10) for rank in range(len(ru))]  # Zipf, flattened head
        uk_weight = sum(ru_weights) * ukrainian_surname_share / (1 - ukrainian_surname_share)
        self._surnames = ru + uk
        self._surname_cum = list(accumulate(ru_weights + [uk_weight / len(uk)] * len(uk)))

    def given_name(self, rng: random.Random, sex: str, birth_year: int) -> str:
        names, cum = self._given[(sex, birth_year >= 1980)]
        return rng.choices(names, cum_weights=cum)[0]

    def surname(self, rng: random.Random) -> str:
        """A surname in its masculine (dictionary) form."""
        return rng.choices(self._surnames, cum_weights=self._surname_cum)[0]


_UK_TO_RU = str.maketrans({"і": "и", "ї": "и", "є": "е", "ґ": "г", "'": "", "’": "", "ʼ": ""})


def _is_masculine_or_invariant(surname: str) -> bool:
    return not surname.endswith(("ова", "ева", "іна", "ська", "цька", "ина"))


def surname_for(surname: str, sex: str) -> str:
    """The form of a (masculine dictionary form) surname that a person of this sex bears."""
    if sex != "F":
        return surname
    for male, female in (
        ("ский", "ская"),
        ("цкий", "цкая"),
        ("ской", "ская"),
        ("ськ", "ська"),
        ("ський", "ська"),
        ("цький", "цька"),
        ("ой", "ая"),
    ):
        if surname.endswith(male):
            return surname[: -len(male)] + female
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын", "єв", "ів")):
        return surname + "а"
    return surname  # -енко, -ук, -ич, -ко and the like do not change


_PATRONYMIC_EXCEPTIONS = {
    "Петр": ("Петрович", "Петровна"),
    "Павел": ("Павлович", "Павловна"),
    "Лев": ("Львович", "Львовна"),
    "Илья": ("Ильич", "Ильинична"),
    "Никита": ("Никитич", "Никитична"),
    "Лука": ("Лукич", "Лукинична"),
    "Фома": ("Фомич", "Фоминична"),
    "Кузьма": ("Кузьмич", "Кузьминична"),
    "Яков": ("Яковлевич", "Яковлевна"),
    "Михаил": ("Михайлович", "Михайловна"),
    "Гавриил": ("Гаврилович", "Гавриловна"),
    "Даниил": ("Данилович", "Даниловна"),
}


def patronymic(father: str, sex: str) -> str:
    """The patronymic a child of this father bears (Russian rules)."""
    if father in _PATRONYMIC_EXCEPTIONS:
        male, female = _PATRONYMIC_EXCEPTIONS[father]
    elif father.endswith("ий"):
        male, female = father[:-2] + "ьевич", father[:-2] + "ьевна"
    elif father.endswith(("ей", "ай", "уй")):
        male, female = father[:-1] + "евич", father[:-1] + "евна"
    elif father.endswith("а"):
        male, female = father[:-1] + "ич", father[:-1] + "ична"
    else:
        male, female = father + "ович", father + "овна"
    return female if sex == "F" else male
