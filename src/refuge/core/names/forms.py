"""What a name written in a field tells us: which name identities, which father, which stem.

* `given_identities(text)` — the set of tabled names a given-name field can denote
  (Таня, Tetiana, Tatjana and Татьяна all denote `tatiana`), as a bit mask.
* `father_identities(text)` — the father's name a patronymic is formed from
  (Олександрівна, Aleksandrovich -> `alexander`), as a bit mask of male names.
* `surname_stem(text)` — a surname without its gendered ending (Иванова -> ivanov,
  Ковальська -> kovalsk, Толстая -> tolst), so a woman registered under the
  masculine form still meets herself.
* `patronymic(father, sex, lang)` and `feminine_surname(surname)` build forms; the
  generator uses them and the tests check them against textbook examples.

Patronymic and surname endings follow Розенталь Д. Э., «Справочник по правописанию и
литературной правке», § 15-16 (Russian), and «Український правопис» 2019, § 38-39
(Ukrainian patronymics -ович/-івна, -йович/-ївна).
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Literal

from rapidfuzz.distance import DamerauLevenshtein

from refuge.core.names.given_names import GIVEN_NAMES, GivenName, Sex
from refuge.core.names.translit import ALL_SYSTEMS, Lang, coarse_key, name_key, transliterate

IDENT_INDEX: dict[str, int] = {name.ident: pos for pos, name in enumerate(GIVEN_NAMES)}
_VOWELS = "aeiou"


def _all_spellings(cyrillic: str, lang: Lang) -> set[str]:
    keys = {name_key(cyrillic)}
    for system in ALL_SYSTEMS:
        keys.add(name_key(transliterate(cyrillic, system, lang)))
    return keys


def _build_given_index() -> dict[str, int]:
    index: dict[str, int] = defaultdict(int)
    for pos, name in enumerate(GIVEN_NAMES):
        for form in name.russian:
            for key in _all_spellings(form, "ru"):
                index[key] |= 1 << pos
        for form in name.ukrainian:
            for key in _all_spellings(form, "uk"):
                index[key] |= 1 << pos
        for form in name.diminutives:
            for lang in ("ru", "uk"):
                for key in _all_spellings(form, lang):
                    index[key] |= 1 << pos
    return dict(index)


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


def _build_deletion_index(index: dict[str, int]) -> dict[str, tuple[str, ...]]:
    # Deletion neighbourhood (SymSpell style): a typo'd name finds its candidate
    # spellings in a few dictionary probes instead of a scan of the whole table; the
    # candidates are then checked by true edit distance.
    near: dict[str, set[str]] = defaultdict(set)
    for key in index:
        if len(key) >= 4:
            for variant in _deletions(key) | {key}:
                near[variant].add(key)
    return {variant: tuple(sorted(keys)) for variant, keys in near.items()}


GIVEN_INDEX: dict[str, int] = _build_given_index()
_NEAR_GIVEN: dict[str, tuple[str, ...]] = _build_deletion_index(GIVEN_INDEX)


@lru_cache(maxsize=500_000)
def identities_of_key(key: str) -> int:
    """Name identities (bit mask) for a key.

    One typing slip away counts for keys of 4+ letters; two for keys of 8+ letters,
    because one slip in Cyrillic can be two in the key (я -> ia).
    """
    exact = GIVEN_INDEX.get(key, 0)
    if exact or len(key) < 4:
        return exact
    allowed = 1 if len(key) < 8 else 2
    probes = {key} | _deletions(key)
    if allowed == 2:
        probes |= {twice for once in _deletions(key) for twice in _deletions(once)}
    candidates = {found for probe in probes for found in _NEAR_GIVEN.get(probe, ())}
    mask = 0
    for candidate in candidates:
        if DamerauLevenshtein.distance(key, candidate, score_cutoff=allowed) <= allowed:
            mask |= GIVEN_INDEX[candidate]
    return mask


def given_identities(text: str) -> int:
    return identities_of_key(name_key(text)) if text else 0


def identity_names(mask: int) -> list[str]:
    return [name.ident for pos, name in enumerate(GIVEN_NAMES) if mask >> pos & 1]


def same_given_name(a: str, b: str) -> bool:
    """Do two given-name fields denote a common name identity (any script, form, diminutive)?"""
    return bool(given_identities(a) & given_identities(b))


# --- patronymics -------------------------------------------------------------------------

_PATRONYMIC_SUFFIXES = ("iniCna", "iCna", "oviC", "eviC", "ovna", "evna", "ivna", "iC")


def _stem(key: str) -> str:
    return key.rstrip(_VOWELS) or key


def _build_father_index() -> dict[str, int]:
    index: dict[str, int] = defaultdict(int)
    for pos, name in enumerate(GIVEN_NAMES):
        if name.sex != "m":
            continue
        for form, lang in [(f, "ru") for f in name.russian] + [(f, "uk") for f in name.ukrainian]:
            for key in _all_spellings(form, "ru" if lang == "ru" else "uk"):
                index[_stem(key)] |= 1 << pos
        for extra in name.patronymic_stems:
            index[_stem(name_key(extra))] |= 1 << pos
    return dict(index)


_FATHER_INDEX = _build_father_index()


@lru_cache(maxsize=500_000)
def father_identities_of_key(key: str) -> int:
    mask = 0
    for suffix in _PATRONYMIC_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            mask |= _FATHER_INDEX.get(_stem(key[: -len(suffix)]), 0)
    return mask


def father_identities(text: str) -> int:
    return father_identities_of_key(name_key(text)) if text else 0


def patronymic_stem(text: str) -> str:
    """The father's-name part of a patronymic key, for comparing untabled patronymics."""
    key = name_key(text)
    for suffix in _PATRONYMIC_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return _stem(key[: -len(suffix)])
    return key


_RU_SPECIAL = {
    "Павел": ("Павлович", "Павловна"), "Лев": ("Львович", "Львовна"),
    "Пётр": ("Петрович", "Петровна"), "Петр": ("Петрович", "Петровна"),
    "Илья": ("Ильич", "Ильинична"), "Яков": ("Яковлевич", "Яковлевна"),
    "Никита": ("Никитич", "Никитична"), "Данила": ("Данилович", "Даниловна"),
}  # fmt: skip
_UK_SPECIAL = {
    "Федір": ("Федорович", "Федорівна"), "Яків": ("Якович", "Яківна"),
    "Лев": ("Львович", "Львівна"), "Ілля": ("Ілліч", "Іллівна"),
    "Микола": ("Миколайович", "Миколаївна"), "Гліб": ("Глібович", "Глібівна"),
}  # fmt: skip


def patronymic(father: str, sex: Sex, lang: Lang) -> str:
    """The patronymic a child of `father` carries (Russian or Ukrainian rules)."""
    special = (_RU_SPECIAL if lang == "ru" else _UK_SPECIAL).get(father)
    if special:
        return special[0] if sex == "m" else special[1]
    return _ru_patronymic(father, sex) if lang == "ru" else _uk_patronymic(father, sex)


def _ru_patronymic(father: str, sex: Sex) -> str:
    male, female = "ович", "овна"
    base = father.replace("ё", "е")
    if base.endswith("ий"):
        base, male, female = base[:-2] + "ь", "евич", "евна"
    elif base.endswith(("ей", "ай", "ь")):
        base, male, female = base[:-1], "евич", "евна"
    elif base.endswith("а"):
        base, male, female = base[:-1], "ич", "ична"
    return base + (male if sex == "m" else female)


def _uk_patronymic(father: str, sex: Sex) -> str:
    base = father
    if base.endswith("й"):
        return base + "ович" if sex == "m" else base[:-1] + "ївна"
    if base.endswith(("о", "а", "ь")):
        base = base[:-1]
    return base + ("ович" if sex == "m" else "івна")


# --- surnames ----------------------------------------------------------------------------

SurnameKind = Literal["possessive", "adjectival", "invariant"]


@lru_cache(maxsize=1_000_000)
def surname_stem_of_key(key: str) -> str:
    coarse = coarse_key(key)
    if len(coarse) <= 3:
        return coarse
    if coarse.endswith("aia"):
        return coarse[:-3]
    if coarse.endswith("oi"):
        return coarse[:-2]
    if coarse.endswith(("a", "i")):
        return coarse[:-1]
    return coarse


def surname_stem(text: str) -> str:
    """Surname key without gendered ending: Иванов/Иванова/Ivanova share one stem."""
    return surname_stem_of_key(name_key(text)) if text else ""


def feminine_surname(surname: str) -> str:
    """The feminine form of a masculine East Slavic surname (invariant ones unchanged)."""
    for masc, fem in (
        ("ський", "ська"), ("цький", "цька"), ("ский", "ская"), ("цкий", "цкая"),
        ("ный", "ная"), ("ний", "на"), ("ой", "ая"), ("ий", "ая"), ("ый", "ая"),
    ):  # fmt: skip
        if surname.endswith(masc):
            return surname[: -len(masc)] + fem
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname


def given_name(ident: str) -> GivenName:
    return GIVEN_NAMES[IDENT_INDEX[ident]]


# Masculine and feminine endings a desk can swap without knowing the name: possessive
# (-ов, -ев, -ин) and the -ский/-цкий adjectival forms, Russian and Ukrainian, and their
# common Latin spellings. Longer endings first. -ой/-ий/-ая are left out on purpose:
# Толстая goes back to Толстой but Бережная to Бережный, which no ending alone decides.
# Ukrainian -енко, -ук, -ко, -ів are the same for both sexes and match nothing here.
SURNAME_GENDER_ENDINGS: tuple[tuple[str, str], ...] = (
    ("ський", "ська"), ("цький", "цька"), ("ский", "ская"), ("цкий", "цкая"),
    ("ов", "ова"), ("ев", "ева"), ("ёв", "ёва"), ("ин", "ина"), ("ын", "ына"),
    ("skiy", "skaya"), ("sky", "skaya"), ("ov", "ova"), ("ev", "eva"), ("in", "ina"),
)  # fmt: skip


def surname_for_sex(surname: str, sex: str) -> str:
    """The family member's surname in the form for `sex` ("F" or "M"; anything else: as is).

    Иванов -> Иванова for a woman and back for a man; Шевченко stays Шевченко. The
    registration page's script applies the same table (it is rendered into the page).
    """
    lower = surname.lower()
    for masc, fem in SURNAME_GENDER_ENDINGS:
        have, want = (masc, fem) if sex == "F" else (fem, masc) if sex == "M" else ("", "")
        if have and lower.endswith(have) and len(lower) > len(have) + 1:
            if lower.endswith(want):
                return surname  # already in that form (Иванова ends in -ова and in -а…)
            ending = want.upper() if surname[-1].isupper() else want
            return surname[: len(surname) - len(have)] + ending
    return surname
