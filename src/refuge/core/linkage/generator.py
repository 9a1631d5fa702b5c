"""Labelled synthetic registrations for measuring linkage quality (deterministic by seed).

Population: households in Kursk oblast settlements; a household shares surname (in the
right gender form), address and often one phone. Households deliberately contain the
hard negatives the issue names:

* twins — same surname, birth date, address, patronymic; different given names;
* father and son of one name — same given name and surname, different birth year and
  patronymic (the son's patronymic is the father's name);
* relatives sharing surname and address (spouses, siblings, parents and children).

Corruption model (each registration of a person is one draw; rates per source below):

* script and system — Latin in BGN/PCGN, ICAO 9303, Ukraine 2010, GOST 7.79 B, popular
  English or German spelling (volunteer lists mostly Latin);
* Russian <-> Ukrainian form of the given name and patronymic (Александр / Олександр);
* diminutive instead of the full name (Таня for Татьяна), mostly at shelters;
* patronymic dropped; given and family name swapped;
* a woman's surname written in the masculine form (Иванов for Иванова);
* day and month swapped (only where both are <= 12), a typo in the year, the date cut
  to YYYY-MM or YYYY, or missing;
* a typing slip in a name (insertion, deletion, substitution, transposition);
* phone, document number, address, settlement or sex left empty;
* the address written differently (Latin letters, no "ул."/"д.", house number only) or
  replaced by the temporary one; the settlement in Latin or the current one; a new phone
  number; a slip in the document number; the wrong sex ticked (1 %).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from typing import Literal

from refuge.core.linkage.records import BirthDate, PersonRecord
from refuge.core.names.forms import GIVEN_INDEX, father_identities, feminine_surname, patronymic
from refuge.core.names.given_names import GIVEN_NAMES, GivenName, Sex
from refuge.core.names.translit import ALL_SYSTEMS, Lang, guess_lang, name_key, transliterate

# Surnames common in Kursk oblast and the neighbouring Sumy oblast (masculine forms);
# written for this generator from general knowledge of the region's naming, not a census.
SURNAMES = [
    "Иванов",
    "Петров",
    "Сидоров",
    "Кузнецов",
    "Смирнов",
    "Попов",
    "Васильев",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
    "Давыдов",
    "Беляев",
    "Герасимов",
    "Богданов",
    "Осипов",
    "Сидоренко",
    "Шевченко",
    "Бондаренко",
    "Коваленко",
    "Бойко",
    "Ткаченко",
    "Кравченко",
    "Олейник",
    "Мельник",
    "Коваль",
    "Шевчук",
    "Поліщук",
    "Ткачук",
    "Савченко",
    "Руденко",
    "Марченко",
    "Лысенко",
    "Петренко",
    "Кравец",
    "Гончаренко",
    "Мороз",
    "Власенко",
    "Клименко",
    "Литвиненко",
    "Павленко",
    "Левченко",
    "Костенко",
    "Харченко",
    "Пономаренко",
    "Тимошенко",
    "Кириленко",
    "Гребенюк",
    "Журавлёв",
    "Черненко",
    "Яценко",
    "Ковальский",
    "Вишневский",
    "Покровский",
    "Островский",
    "Белецкий",
    "Грицкий",
    "Толстой",
    "Бережной",
    "Золотарёв",
    "Щербаков",
    "Хохлов",
    "Рыбаков",
    "Чернышёв",
    "Плотников",
    "Зуев",
    "Быков",
    "Блинов",
    "Дьяченко",
    "Щукин",
    "Чумаков",
    "Малышев",
    "Прохоров",
    "Горбунов",
    "Куликов",
    "Калинин",
    "Лукин",
    "Ершов",
    "Носков",
    "Прокопенко",
    "Юрченко",
    "Гаврилюк",
    "Мартынюк",
    "Стеценко",
    "Вовк",
    "Кушнир",
    "Приходько",
    "Демченко",
    "Назаренко",
    "Чуприна",
    "Лещенко",
    "Онищенко",
    "Федоренко",
    "Самойленко",
    "Головко",
    "Шапошников",
]
# Roots and suffixes for the long tail: a real district has thousands of surnames, most
# of them rare; 150 common ones alone would make a name far weaker evidence than it is.
ROOTS = [
    "Бел",
    "Черн",
    "Сер",
    "Гон",
    "Коз",
    "Вол",
    "Лис",
    "Мед",
    "Сок",
    "Гол",
    "Бык",
    "Жур",
    "Кот",
    "Рыж",
    "Сыч",
    "Лоз",
    "Дуд",
    "Гуд",
    "Кур",
    "Пуш",
    "Руд",
    "Сав",
    "Тар",
    "Мар",
    "Ход",
    "Шум",
    "Гриц",
    "Кост",
    "Лук",
    "Мир",
    "Нос",
    "Пан",
    "Сем",
    "Ткач",
    "Шев",
    "Юр",
    "Яц",
    "Зуб",
    "Бар",
    "Гал",
    "Дым",
    "Ков",
    "Лес",
    "Мих",
    "Пол",
    "Рог",
    "Сид",
    "Тих",
    "Хом",
    "Чуб",
    "Шап",
    "Щег",
    "Баб",
    "Вер",
    "Гор",
    "Дем",
    "Жел",
    "Кир",
    "Лав",
    "Мур",
]
SUFFIXES = ("ов", "ев", "ин", "енко", "ук", "чук", "ский", "ко", "ач", "ец")
SETTLEMENTS = (
    "Курск", "Суджа", "Рыльск", "Льгов", "Курчатов", "Обоянь", "Железногорск", "Глушково",
    "Коренево", "Большое Солдатское", "Мартыновка", "Гуево", "Снагость", "Любимовка",
    "Теткино", "Тёткино", "Белая", "Пены", "Дьяконово", "Кромские Быки",
)  # fmt: skip
STREETS = (
    "Ленина", "Советская", "Молодёжная", "Садовая", "Школьная", "Мира", "Комсомольская",
    "Первомайская", "Гагарина", "Пушкина", "Заречная", "Полевая", "Центральная",
    "Октябрьская", "Набережная", "Луговая", "Лесная", "Колхозная", "Победы", "Строителей",
)  # fmt: skip

Source = Literal["reception", "volunteer_list", "shelter"]


@dataclass(frozen=True, slots=True)
class Rates:
    """Per-source probabilities of each corruption (see module docstring)."""

    latin: float
    other_language_form: float
    diminutive: float
    drop_patronymic: float
    swap_names: float
    masculine_surname: float
    day_month_swap: float
    year_typo: float
    partial_date: float
    missing_date: float
    name_typo: float
    missing_contact: float


RATES: dict[Source, Rates] = {
    "reception": Rates(0.05, 0.15, 0.05, 0.10, 0.03, 0.05, 0.05, 0.03, 0.05, 0.02, 0.06, 0.3),
    "volunteer_list": Rates(0.85, 0.30, 0.10, 0.60, 0.10, 0.10, 0.08, 0.05, 0.10, 0.05, 0.10, 0.5),
    "shelter": Rates(0.10, 0.25, 0.40, 0.40, 0.06, 0.40, 0.15, 0.05, 0.15, 0.05, 0.08, 0.4),
}


@dataclass(slots=True)
class Person:
    person_id: str
    sex: Sex
    name: GivenName
    lang: Lang
    father: GivenName
    surname: str  # masculine form
    birth: BirthDate
    settlement: str
    address: str
    phone: str
    document: str


@dataclass(slots=True)
class LabelledData:
    """Records with the true person behind each, and the hard-negative person pairs."""

    records: list[PersonRecord] = field(default_factory=list)
    person_of: list[str] = field(default_factory=list)
    hard_negatives: list[tuple[str, str, str]] = field(default_factory=list)


class _Population:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.male = [n for n in GIVEN_NAMES if n.sex == "m"]
        self.female = [n for n in GIVEN_NAMES if n.sex == "f"]
        self.count = 0
        self.people: list[Person] = []
        self.hard_negatives: list[tuple[str, str, str]] = []
        self.household_names: set[GivenName] = set()

    def _name(self, sex: Sex, avoid: GivenName | None = None) -> GivenName:
        # Parents do not give two children one name; a namesake in the household is the
        # father-and-son case only, made on purpose below.
        pool = self.male if sex == "m" else self.female
        while True:
            name = self.rng.choice(pool)
            if name is not avoid and name not in self.household_names:
                self.household_names.add(name)
                return name

    def _birth(self, year: int) -> BirthDate:
        month = self.rng.randint(1, 12)
        return BirthDate(year, month, self.rng.randint(1, 28))

    def _phone(self) -> str:
        return "+79" + "".join(self.rng.choice("0123456789") for _ in range(9))

    def _document(self, adult: bool) -> str:
        if not adult or self.rng.random() < 0.4:
            return ""
        return f"{self.rng.randint(1000, 9999)} {self.rng.randint(100000, 999999)}"

    def add(self, sex: Sex, name: GivenName, father: GivenName, surname: str,
            birth: BirthDate, home: tuple[str, str, str], lang: Lang) -> Person:  # fmt: skip
        self.count += 1
        settlement, address, phone = home
        own_phone = phone if self.rng.random() < 0.5 else self._phone()
        person = Person(
            person_id=f"P{self.count:07d}", sex=sex, name=name, lang=lang, father=father,
            surname=surname, birth=birth, settlement=settlement, address=address,
            phone=own_phone if birth.year < 2012 else "",
            document=self._document(birth.year < 2006),
        )  # fmt: skip
        self.people.append(person)
        return person

    def household(self) -> None:
        rng = self.rng
        self.household_names = set()
        surname = rng.choice(SURNAMES) if rng.random() < 0.6 else (
            rng.choice(ROOTS) + rng.choice(SUFFIXES))  # fmt: skip
        lang: Lang = "uk" if rng.random() < 0.3 else "ru"
        settlement = rng.choice(SETTLEMENTS)
        address = f"ул. {rng.choice(STREETS)}, д. {rng.randint(1, 120)}"
        home = (settlement, address, self._phone())
        head_year = rng.randint(1940, 1995)
        head_father = self._name("m")
        head = self.add("m", self._name("m"), head_father, surname,
                        self._birth(head_year), home, lang)  # fmt: skip
        if rng.random() < 0.7:
            self.add("f", self._name("f"), self._name("m"), surname,
                     self._birth(head_year + rng.randint(-4, 4)), home, lang)  # fmt: skip
        kind = rng.random()
        child_year = head_year + rng.randint(20, 35)
        if kind < 0.15 and child_year < 2024:
            # Twins: same surname, birth date, address and father; different names.
            birth = self._birth(child_year)
            first_sex: Sex = rng.choice(("m", "f"))
            second_sex: Sex = rng.choice(("m", "f"))
            a = self.add(first_sex, self._name(first_sex), head.name, surname, birth, home, lang)
            b = self.add(second_sex, self._name(second_sex, avoid=a.name), head.name, surname,
                         birth, home, lang)  # fmt: skip
            self.hard_negatives.append((a.person_id, b.person_id, "twins"))
        elif kind < 0.30 and child_year < 2024:
            # Father and son of one name.
            son = self.add("m", head.name, head.name, surname, self._birth(child_year), home, lang)
            self.hard_negatives.append((head.person_id, son.person_id, "father-son"))
        else:
            for _ in range(rng.choice((0, 1, 1, 2, 3))):
                if child_year >= 2024:
                    break
                sex: Sex = rng.choice(("m", "f"))
                child = self.add(sex, self._name(sex), head.name, surname,
                                 self._birth(child_year), home, lang)  # fmt: skip
                self.hard_negatives.append((head.person_id, child.person_id, "relatives"))
                child_year += rng.randint(1, 6)


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    pos = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    letters = "абвгдежзиклмнопрстуфхцчшя" if text[0] >= "А" else "abcdefghiklmnoprstuvyz"
    if kind == 0:
        return text[:pos] + text[pos + 1 :]
    if kind == 1:
        return text[:pos] + rng.choice(letters) + text[pos:]
    if kind == 2:
        return text[:pos] + rng.choice(letters) + text[pos + 1 :]
    return text[: pos - 1] + text[pos] + text[pos - 1] + text[pos + 1 :]


def _year_typo(rng: random.Random, year: int) -> int:
    digits = list(f"{year:04d}")
    if rng.random() < 0.5:
        pos = rng.choice((2, 3))
        digits[pos] = rng.choice([d for d in "0123456789" if d != digits[pos]])
    elif digits[2] != digits[3]:
        digits[2], digits[3] = digits[3], digits[2]
    else:
        digits[3] = str((int(digits[3]) + 1) % 10)
    return int("".join(digits))


def _date_text(rng: random.Random, birth: BirthDate, rates: Rates) -> str:
    if rng.random() < rates.missing_date:
        return ""
    year, month, day = birth.year, birth.month or 1, birth.day or 1
    if rng.random() < rates.year_typo:
        year = _year_typo(rng, year)
    if day <= 12 and day != month and rng.random() < rates.day_month_swap:
        month, day = day, month
    if rng.random() < rates.partial_date:
        return f"{year:04d}" if rng.random() < 0.5 else f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _names(rng: random.Random, person: Person, rates: Rates) -> tuple[str, str, str]:
    lang = person.lang
    if rng.random() < rates.other_language_form:
        lang = "uk" if lang == "ru" else "ru"
    forms = person.name.russian if lang == "ru" else person.name.ukrainian
    given = forms[0]
    if person.name.diminutives and rng.random() < rates.diminutive:
        given = rng.choice(person.name.diminutives)
    father_forms = person.father.russian if lang == "ru" else person.father.ukrainian
    patr = (
        ""
        if rng.random() < rates.drop_patronymic
        else patronymic(father_forms[0], person.sex, lang)
    )
    family = person.surname
    if person.sex == "f" and rng.random() >= rates.masculine_surname:
        family = feminine_surname(family)
    if rng.random() < rates.latin:
        system = rng.choice(ALL_SYSTEMS)
        given, patr, family = (transliterate(x, system, lang) for x in (given, patr, family))
    if rng.random() < rates.name_typo:
        given = _typo(rng, given)
    if rng.random() < rates.name_typo:
        family = _typo(rng, family)
    if rng.random() < rates.swap_names:
        given, family = family, given
    return given, patr, family


def _address(rng: random.Random, address: str, latin: bool) -> str:
    draw = rng.random()
    if draw < 0.10:
        # The temporary address (a shelter, relatives in Kursk) instead of the home one.
        return f"ул. {rng.choice(STREETS)}, д. {rng.randint(1, 120)}"
    if draw < 0.25:
        address = address.replace("ул. ", "").replace("д. ", "")
    return transliterate(address, rng.choice(ALL_SYSTEMS), "ru") if latin else address


def _settlement(rng: random.Random, settlement: str, latin: bool) -> str:
    if rng.random() < 0.08:
        return rng.choice(SETTLEMENTS)
    return transliterate(settlement, rng.choice(ALL_SYSTEMS), "ru") if latin else settlement


def _sex(rng: random.Random, sex: Sex) -> str:
    draw = rng.random()
    if draw < 0.15:
        return ""
    if draw < 0.16:
        return "f" if sex == "m" else "m"
    return sex


def registration(
    rng: random.Random, person: Person, record_id: str, source: Source
) -> PersonRecord:
    """One registration of `person` as `source` would type it."""
    rates = RATES[source]
    given, patr, family = _names(rng, person, rates)
    birth = _date_text(rng, person.birth, rates)
    latin = given.isascii()

    def kept(value: str) -> str:
        return "" if rng.random() < rates.missing_contact else value

    phone = person.phone if rng.random() >= 0.1 or not person.phone else "+79" + str(
        rng.randint(100_000_000, 999_999_999))  # fmt: skip
    document = person.document
    if document and rng.random() < 0.03:
        document = _typo(rng, document)
    return PersonRecord(
        record_id=record_id,
        given_name=given,
        patronymic=patr,
        family_name=family,
        sex=_sex(rng, person.sex),
        birth_date=BirthDate.parse(birth),
        phone=kept(phone),
        document_number=kept(document),
        settlement="" if rng.random() < 0.1 else _settlement(rng, person.settlement, latin),
        address=kept(_address(rng, person.address, latin)),
    )


SOURCES: tuple[Source, ...] = ("reception", "volunteer_list", "shelter")


def generate(
    records: int,
    seed: int = 2024,
    duplicate_rate: float = 0.45,
    sources: tuple[Source, ...] = SOURCES,
) -> LabelledData:
    """About `records` registrations of a synthetic evacuated population, labelled.

    Each registration is typed as one of `sources` would type it, chosen at random.
    """
    rng = random.Random(seed)
    population = _Population(rng)
    data = LabelledData(hard_negatives=population.hard_negatives)
    while len(data.records) < records:
        start = len(population.people)
        population.household()
        for person in population.people[start:]:
            copies = 1
            while rng.random() < duplicate_rate / copies and copies < 5:
                copies += 1
            for _ in range(copies):
                if len(data.records) >= records:
                    break
                record_id = f"R{len(data.records) + 1:07d}"
                data.records.append(registration(rng, person, record_id, rng.choice(sources)))
                data.person_of.append(person.person_id)
    return data


_MASCULINE_ENDINGS = (
    ("ська", "ський"), ("цька", "цький"), ("ская", "ский"), ("цкая", "цкий"),
    ("ная", "ный"), ("ова", "ов"), ("ева", "ев"), ("ёва", "ёв"), ("ина", "ин"), ("ына", "ын"),
)  # fmt: skip


def masculine_surname(surname: str) -> str:
    """The masculine form of a feminine East Slavic surname (invariant ones unchanged)."""
    for fem, masc in _MASCULINE_ENDINGS:
        if surname.endswith(fem) and len(surname) > len(fem) + 1:
            return surname[: -len(fem)] + masc
    return surname


def _identity(mask: int) -> GivenName | None:
    return GIVEN_NAMES[(mask & -mask).bit_length() - 1] if mask else None


def reregistration(
    rng: random.Random, record: PersonRecord, record_id: str, source: Source = "reception"
) -> PersonRecord:
    """`record` typed again by `source`, with the corruptions of `registration`.

    For a registry that holds names as typed rather than a generated population (the
    scenario's second registrations). A name or father the table does not know keeps
    its form and gets only the script, slip, dropped-patronymic and date corruptions.
    """
    name = _identity(GIVEN_INDEX.get(name_key(record.given_name), 0))
    father = _identity(father_identities(record.patronymic))
    if name is None or father is None or record.birth_date is None:
        return _retyped(rng, record, record_id, RATES[source])
    sex: Sex = "f" if record.sex.upper() == "F" else "m"
    person = Person(
        person_id=record.record_id, sex=sex, name=name, father=father,
        lang=guess_lang(record.given_name + record.patronymic + record.family_name),
        surname=masculine_surname(record.family_name) if sex == "f" else record.family_name,
        birth=record.birth_date, settlement=record.settlement, address=record.address,
        phone=record.phone, document=record.document_number,
    )  # fmt: skip
    return registration(rng, person, record_id, source)


def _retyped(
    rng: random.Random, record: PersonRecord, record_id: str, rates: Rates
) -> PersonRecord:
    given, patr, family = record.given_name, record.patronymic, record.family_name
    if rng.random() < rates.drop_patronymic:
        patr = ""
    if rng.random() < rates.latin:
        system, lang = rng.choice(ALL_SYSTEMS), guess_lang(given + patr + family)
        given, patr, family = (transliterate(x, system, lang) for x in (given, patr, family))
    if rng.random() < rates.name_typo:
        given = _typo(rng, given)
    if rng.random() < rates.name_typo:
        family = _typo(rng, family)
    birth = _date_text(rng, record.birth_date, rates) if record.birth_date else ""
    return replace(
        record,
        record_id=record_id,
        given_name=given,
        patronymic=patr,
        family_name=family,
        birth_date=BirthDate.parse(birth),
        sex=_sex(rng, "f" if record.sex.upper() == "F" else "m") if record.sex else "",
    )
