"""One full-name cell split into family, given and patronymic names, East Slavic style.

Volunteer lists write a person in one column: «Иванова Мария Петровна» (family, given,
patronymic: the order of official lists) or «Мария Петровна Иванова» (given,
patronymic, family: letters, some Ukrainian lists). The order is read from the words
themselves with the name tables of `forms`: a word that denotes a tabled given name,
a word formed as a patronymic (from a tabled father's name, or by its ending -ович,
-івна, -ична, оглы, …). Two words are family and given, or given and family when only
the first is a given name. When nothing tells, the official order wins.
"""

from __future__ import annotations

from typing import NamedTuple

from refuge.core.names.forms import father_identities, given_identities

_PATRONYMIC_ENDINGS = (
    "ович", "евич", "ёвич", "йович", "ївич", "івич", "ич",
    "овна", "евна", "ёвна", "івна", "ївна", "ична", "инична",
    "ovich", "evich", "ovych", "ivna", "ovna", "evna", "ichna", "ychna", "ich", "ych",
)  # fmt: skip
_TURKIC = ("оглы", "огли", "кызы", "кизи", "ogly", "kyzy")
_FEMALE_ENDINGS = ("вна", "ична", "кызы", "кизи", "vna", "ichna", "ychna", "kyzy")


_FAMILY_ENDINGS = (
    "ов", "ев", "ёв", "ин", "ына", "ова", "ева", "ина", "енко", "ко", "ук", "юк", "чук",
    "ский", "цкий", "ская", "цкая", "ський", "цький", "ська", "цька", "ий", "ой", "ая",
    "ov", "ev", "in", "ova", "eva", "ina", "enko", "uk", "sky", "skiy", "skyi", "ska",
)  # fmt: skip


def _looks_family(word: str) -> bool:
    return word.casefold().endswith(_FAMILY_ENDINGS)


class SplitName(NamedTuple):
    family_name: str
    given_name: str
    patronymic: str


def is_patronymic(word: str) -> bool:
    low = word.casefold().replace("ё", "е")
    return bool(father_identities(word)) or low.endswith(_PATRONYMIC_ENDINGS)


def is_given(word: str) -> bool:
    return bool(given_identities(word))


def sex_of_patronymic(patronymic: str) -> str:
    """F or M from a patronymic's ending; "" when it has none we know."""
    low = patronymic.casefold().strip()
    if not low:
        return ""
    if low.endswith(_FEMALE_ENDINGS):
        return "F"
    if is_patronymic(patronymic) or low.endswith(_TURKIC):
        return "M"
    return ""


def split_full_name(text: str) -> SplitName:
    words = text.replace(",", " ").split()
    # «Мамедов Эльдар Гусейн оглы»: the patronymic's particle belongs to it.
    if len(words) >= 4 and words[-1].casefold() in _TURKIC:
        words = [*words[:-2], f"{words[-2]} {words[-1]}"]
    if not words:
        return SplitName("", "", "")
    if len(words) == 1:
        return SplitName(words[0], "", "")
    if len(words) == 2:
        first, second = words
        if is_given(first) and (_looks_family(second) or not is_given(second)):
            return SplitName(second, first, "")
        return SplitName(first, second, "")
    if len(words) > 3:
        # A double family name written with a space: the two last words are given and
        # patronymic when the last one is a patronymic, else the first two are.
        if is_patronymic(words[-1]):
            return SplitName(" ".join(words[:-2]), words[-2], words[-1])
        return SplitName(" ".join(words[2:]), words[0], words[1])
    a, b, c = words
    official = 2 * is_given(b) + 2 * is_patronymic(c) - is_given(a) - is_patronymic(b)
    letter = 2 * is_given(a) + 2 * is_patronymic(b) - is_given(c) - is_patronymic(c)
    if letter > official:
        return SplitName(c, a, b)
    return SplitName(a, b, c)
