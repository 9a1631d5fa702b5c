"""Does a typed name denote a registered one? The desk search's comparison, pure.

A registrar or officer types a name the way they heard it: "Tarasova" for Тарасова,
"Саша" for Александр, Олександр for Александр, one letter wrong. Each typed word is
compared with each name part of a registration (given name, patronymic, family name,
since fields get swapped at desks) on the linkage keys (`core.names`):

* EXACT — the same key (one spelling in any script or transliteration system);
* SAME_NAME — one given-name identity (forms, diminutives, a typo the table resolves)
  or one surname stem (Иванов/Иванова, Ковальский/Ковальська);
* ONE_SLIP — keys (or surname stems) within one typing slip, two for 8+ letters.

Phone and document numbers are compared on their digits / letters and digits only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import IntEnum
from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein

from refuge.core.names.forms import identities_of_key, surname_stem_of_key
from refuge.core.names.translit import name_key

_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ-][^\W\d_]+)*")
MIN_PHONE_DIGITS = 4
PHONE_DIGITS = 9  # a Russian or Ukrainian mobile is its last nine digits, whatever the prefix


class NameMatch(IntEnum):
    NONE = 0
    ONE_SLIP = 1
    SAME_NAME = 2
    EXACT = 3


def words(text: str) -> list[str]:
    """The name words of a query: letters (apostrophes and hyphens inside a word kept)."""
    return _WORD.findall(text)


@lru_cache(maxsize=200_000)
def _key(text: str) -> str:
    return name_key(text)


@lru_cache(maxsize=200_000)
def _stem(key: str) -> str:
    return surname_stem_of_key(key) if key else ""


def _within_slip(a: str, b: str) -> bool:
    if min(len(a), len(b)) < 4:
        return False
    allowed = 2 if max(len(a), len(b)) >= 8 else 1
    return DamerauLevenshtein.distance(a, b, score_cutoff=allowed) <= allowed


def word_match(typed: str, registered: str) -> NameMatch:
    """How well one typed word denotes one registered name part."""
    a, b = _key(typed), _key(registered)
    if not a or not b:
        return NameMatch.NONE
    if a == b:
        return NameMatch.EXACT
    if identities_of_key(a) & identities_of_key(b) or (len(a) >= 3 and _stem(a) == _stem(b)):
        return NameMatch.SAME_NAME
    if _within_slip(a, b) or _within_slip(_stem(a), _stem(b)):
        return NameMatch.ONE_SLIP
    return NameMatch.NONE


def name_match(typed: Sequence[str], parts: Sequence[str]) -> int:
    """Every typed word against a distinct name part; 0 when one denotes none of them.

    The sum of the words' matches ranks results: an exact spelling above a form or
    diminutive, both above a typing slip.
    """
    total, used = 0, set()
    for word in typed:
        best, where = NameMatch.NONE, -1
        for i, part in enumerate(parts):
            if i not in used and (found := word_match(word, part)) > best:
                best, where = found, i
        if best == NameMatch.NONE:
            return 0
        used.add(where)
        total += int(best)
    return total


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def phone_matches(typed_digits: str, registered: str) -> bool:
    """The typed digits are the registered number's last digits, or the same mobile.

    "+7 (912) 345-67-89", "8 912 3456789" and "4567 89" all find a household whose
    phone was written "89123456789".
    """
    have = digits(registered)
    if len(typed_digits) < MIN_PHONE_DIGITS or not have:
        return False
    if len(typed_digits) >= PHONE_DIGITS and len(have) >= PHONE_DIGITS:
        return typed_digits[-PHONE_DIGITS:] == have[-PHONE_DIGITS:]
    return have.endswith(typed_digits)
