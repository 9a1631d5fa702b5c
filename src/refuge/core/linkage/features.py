"""Normalisation: person records to column arrays of keys, stems and name-identity masks.

Every derived value is computed once per distinct raw string (registrations repeat the
same names, settlements and dates endlessly), then spread to rows by factorised codes.
The result is a `FeatureTable` of plain numpy columns; scoring and blocking read only
these, so a Spark or other backend only has to ship the same columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pandas as pd

from refuge.core.linkage.records import PersonRecord
from refuge.core.names.forms import (
    GIVEN_INDEX,
    father_identities_of_key,
    identities_of_key,
    patronymic_stem,
    surname_stem_of_key,
)
from refuge.core.names.given_names import GIVEN_NAMES
from refuge.core.names.translit import name_key

MASK_WORDS = (len(GIVEN_NAMES) + 63) // 64

StrArray = npt.NDArray[np.object_]
IntArray = npt.NDArray[np.int64]
MaskArray = npt.NDArray[np.uint64]
BoolArray = npt.NDArray[np.bool_]

_SEX = {
    "m": 1, "male": 1, "м": 1, "муж": 1, "мужской": 1, "ч": 1, "чол": 1, "чоловіча": 1,
    "f": 2, "female": 2, "ж": 2, "жен": 2, "женский": 2, "жін": 2, "жіноча": 2, "w": 2,
}  # fmt: skip
_ADDRESS_NOISE = frozenset(
    [
        "ul",
        "ulitsa",
        "ulica",
        "str",
        "street",
        "st",
        "vul",
        "vulitsa",
        "d",
        "dom",
        "kv",
        "kvartira",
        "pr",
        "prospekt",
        "prosp",
        "per",
        "pereulok",
        "prov",
        "provulok",
        "bud",
        "budinok",
        "b",
        "bul",
        "bulvar",
        "pl",
        "ploshchad",
        "rd",
        "road",
        "ave",
    ]
)
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class FeatureTable:
    """Derived comparison columns for a batch of records (one row per record)."""

    record_id: StrArray
    given_key: StrArray
    given_raw: StrArray  # lower-case letters as typed: keys are East Slavic, names may not be
    given_stem: StrArray
    given_mask: MaskArray  # shape (n, MASK_WORDS): tabled name identities, typos allowed
    given_exact: MaskArray  # identities of an exactly tabled spelling (for contradictions)
    family_key: StrArray
    family_raw: StrArray
    family_stem: StrArray
    family_mask: MaskArray  # identities when a given name was written as the surname
    family_exact: MaskArray
    patronymic_key: StrArray
    patronymic_stem: StrArray
    father_mask: MaskArray
    sex: IntArray  # 0 unknown, 1 male, 2 female
    year: IntArray  # 0 unknown
    month: IntArray
    day: IntArray
    phone: StrArray
    document: StrArray
    settlement: StrArray
    address: StrArray
    postcode: StrArray

    def __len__(self) -> int:
        return len(self.record_id)


# Below this many values a dict factorises faster than pandas, whose fixed cost per
# call dominated the desk's few-record checks (docs/PERFORMANCE.md).
SMALL_BATCH = 512


def _factorize(values: Sequence[str] | StrArray) -> tuple[IntArray, Sequence[str]]:
    """Codes into the distinct values, and the distinct values in order of appearance."""
    if len(values) <= SMALL_BATCH:
        index: dict[str, int] = {}
        codes = np.fromiter(
            (index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values)
        )
        return codes, list(index)
    found, uniques = pd.factorize(np.asarray(values, dtype=object))
    return np.asarray(found, dtype=np.int64), uniques


def _per_distinct(values: Sequence[str], derive: Callable[[str], str]) -> StrArray:
    codes, uniques = _factorize(values)
    derived = np.array([derive(str(u)) for u in uniques], dtype=object)
    return derived[codes] if len(uniques) else np.array([], dtype=object)


def _masks(keys: StrArray, lookup: Callable[[str], int]) -> MaskArray:
    codes, uniques = _factorize(keys)
    table = np.zeros((max(len(uniques), 1), MASK_WORDS), dtype=np.uint64)
    for pos, key in enumerate(uniques):
        mask = lookup(str(key)) if key else 0
        for word in range(MASK_WORDS):
            table[pos, word] = (mask >> (64 * word)) & 0xFFFFFFFFFFFFFFFF
    result: MaskArray = table[codes] if len(keys) else np.zeros((0, MASK_WORDS), np.uint64)
    return result


def _exact_identities(key: str) -> int:
    return GIVEN_INDEX.get(key, 0)


def _stem_of(key: str) -> str:
    return surname_stem_of_key(key) if key else ""


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalpha())


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _phone(text: str) -> str:
    # The last nine digits identify a Russian or Ukrainian mobile whatever the prefix
    # (+7 / 8 / +380 / 0) the clerk typed.
    digits = _digits(text)
    return digits[-9:] if len(digits) >= 7 else ""


def _document(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


@lru_cache(maxsize=200_000)
def _address(text: str) -> str:
    tokens: list[str] = []
    for raw in _TOKEN.findall(text.lower()):
        token = raw if raw.isdigit() else name_key(raw).lower()
        if token and token not in _ADDRESS_NOISE:
            tokens.append(token)
    return " ".join(tokens)


def _column(records: Sequence[PersonRecord], name: str) -> list[str]:
    return [getattr(r, name) or "" for r in records]


def build_features(records: Sequence[PersonRecord]) -> FeatureTable:
    """Normalise a batch of records into comparison columns."""
    given = _column(records, "given_name")
    family = _column(records, "family_name")
    given_key = _per_distinct(given, name_key)
    family_key = _per_distinct(family, name_key)
    patronymic = _column(records, "patronymic")
    patronymic_key = _per_distinct(patronymic, name_key)
    dates = [r.birth_date for r in records]
    return FeatureTable(
        record_id=np.array([r.record_id for r in records], dtype=object),
        given_key=given_key,
        given_raw=_per_distinct(given, _letters),
        given_stem=_per_distinct(list(given_key), _stem_of),
        given_mask=_masks(given_key, identities_of_key),
        given_exact=_masks(given_key, _exact_identities),
        family_key=family_key,
        family_raw=_per_distinct(family, _letters),
        family_stem=_per_distinct(list(family_key), _stem_of),
        family_mask=_masks(family_key, identities_of_key),
        family_exact=_masks(family_key, _exact_identities),
        patronymic_key=patronymic_key,
        patronymic_stem=_per_distinct(patronymic, lambda p: patronymic_stem(p) if p else ""),
        father_mask=_masks(patronymic_key, father_identities_of_key),
        sex=np.array([_SEX.get(r.sex.strip().lower(), 0) for r in records], dtype=np.int64),
        year=np.array([d.year if d else 0 for d in dates], dtype=np.int64),
        month=np.array([(d.month or 0) if d else 0 for d in dates], dtype=np.int64),
        day=np.array([(d.day or 0) if d else 0 for d in dates], dtype=np.int64),
        phone=_per_distinct(_column(records, "phone"), _phone),
        document=_per_distinct(_column(records, "document_number"), _document),
        settlement=_per_distinct(_column(records, "settlement"), lambda s: name_key(s)),
        address=_per_distinct(_column(records, "address"), _address),
        postcode=_per_distinct(_column(records, "postcode"), _digits),
    )


def take(table: FeatureTable, rows: IntArray) -> FeatureTable:
    """The rows `rows` of a table, as a new table (for candidate subsets)."""
    return FeatureTable(**{f.name: getattr(table, f.name)[rows] for f in fields(table)})


def concat(tables: Sequence[FeatureTable]) -> FeatureTable:
    """The rows of several tables, one after another, as one table."""
    return FeatureTable(
        **{
            f.name: np.concatenate([getattr(t, f.name) for t in tables])
            for f in fields(FeatureTable)
        }
    )


def mask_intersects(a: MaskArray, b: MaskArray) -> BoolArray:
    """Row-wise: do two identity masks share an identity?"""
    return np.asarray(((a & b) != 0).any(axis=1))


def mask_present(a: MaskArray) -> BoolArray:
    return np.asarray((a != 0).any(axis=1))
