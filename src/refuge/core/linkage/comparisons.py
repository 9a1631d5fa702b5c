"""Comparison levels for candidate pairs, computed column-wise over numpy arrays.

Each comparison turns a pair of records into one level (an index into `LEVELS`), or
NULL when either side is missing the field. Levels carry the name knowledge: "same
identity" for Таня/Tetiana, "gender form" for Иванов/Ivanova, "day-month swapped" for
1950-03-07/1950-07-03. Some levels are contradictions (`CONTRADICTIONS`): two different
tabled given names, two different tabled fathers, two birth dates no single typing slip
explains. Twins and father/son pairs share a household's surname, address and phone,
so no sum of independent weights can outvote that; a contradiction blocks auto-merge.

The functions are vectorised and stateless so any backend that can ship the feature
columns in chunks (DuckDB here, Spark's mapInPandas later) can run them unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import distance, fuzz, process

from refuge.core.linkage.features import (
    BoolArray,
    FeatureTable,
    IntArray,
    StrArray,
    mask_intersects,
    mask_present,
)

NULL = -1

LEVELS: dict[str, tuple[str, ...]] = {
    "given_name": (
        "exact", "same-identity", "one-edit", "jaro-winkler>=0.85",
        "different-tabled-names", "different-one-tabled", "different-untabled",
    ),
    "family_name": (
        "exact", "gender-form-or-transliteration", "one-edit", "jaro-winkler>=0.85",
        "different",
    ),
    "patronymic": (
        "exact", "same-father", "similar", "different-tabled-fathers", "different",
    ),
    "birth_date": (
        "exact", "day-month-swapped", "one-typo", "partial-agrees",
        "year-within-1-or-partial-slip", "different",
    ),
    "sex": ("same", "different"),
    "phone": ("exact", "one-edit", "different"),
    "document_number": ("exact", "one-edit", "different"),
    "residence": (
        "address-token-set>=95", "address-token-set>=80", "address-token-set>=60",
        "address-different", "same-settlement", "settlement-different",
    ),
    "postcode": ("exact", "one-edit", "different"),
}  # fmt: skip
COMPARISONS: tuple[str, ...] = tuple(LEVELS)
# Given names that are different tabled names, or a tabled name and one sharing no more
# than a Jaro-Winkler of 0.85 and two edits with it, belong to different people (twins,
# siblings) far more often than to one person; such a pair may be reviewed but is never
# auto-merged. Where neither name is tabled the name knowledge has nothing to say, and
# the difference is only weighed (FEBRL replaces whole names as a corruption).
# An exactly equal document number outweighs any contradiction: two people do not
# share a passport. One a single edit apart (a digit mistyped) outweighs two birth
# dates: a birth date is typed wrong far more often than two people's documents come
# one keystroke apart, and those who have such documents are twins issued in sequence,
# whom the given names keep apart (FEBRL 3: 5 more pairs, no false merge on either set).
CONTRADICTIONS: dict[str, tuple[int, ...]] = {
    "given_name": (4, 5),
    "patronymic": (3,),
    "birth_date": (5,),
}
# Surname, address, settlement and phone are shared by a household; a merge also needs
# one field that belongs to the person alone to agree (docs/LINKAGE.md, "Households").
CORROBORATING: dict[str, tuple[int, ...]] = {
    "birth_date": (0, 1, 2, 3),
    "patronymic": (0, 1),
    "document_number": (0, 1),
}


@dataclass(frozen=True, slots=True)
class ComparisonVectors:
    """Levels per candidate pair: `levels[k, c]` for pair k and comparison c (NULL = -1)."""

    levels: npt.NDArray[np.int8]
    swapped: BoolArray  # given and family name were read crosswise

    def corroborated(self) -> BoolArray:
        """Does a field that is the person's own (not the household's) agree?"""
        hit = np.zeros(len(self.levels), dtype=bool)
        for name, levels in CORROBORATING.items():
            hit |= np.isin(self.levels[:, COMPARISONS.index(name)], levels)
        return hit

    def contradicted(self) -> BoolArray:
        hit = np.zeros(len(self.levels), dtype=bool)
        document = self.levels[:, COMPARISONS.index("document_number")]
        for name, levels in CONTRADICTIONS.items():
            against = np.isin(self.levels[:, COMPARISONS.index(name)], levels)
            hit |= against & (document != 1) if name == "birth_date" else against
        return np.asarray(hit & (document != 0))


def _workers(pairs: int) -> int:
    # Threads pay off for the batch; for a desk check of a few hundred pairs their start-up
    # costs more than the work.
    return -1 if pairs > 20_000 else 1


def _jw(a: StrArray, b: StrArray) -> npt.NDArray[np.float64]:
    if len(a) == 0:
        return np.zeros(0)
    scores = process.cpdist(
        list(a),
        list(b),
        scorer=distance.JaroWinkler.normalized_similarity,
        workers=_workers(len(a)),
    )
    return np.asarray(scores, dtype=np.float64)


def _graded(
    exact: BoolArray, same: BoolArray, a: StrArray, b: StrArray,
    raw_a: StrArray | None = None, raw_b: StrArray | None = None,
) -> IntArray:  # fmt: skip
    """exact -> 0, same -> 1, one edit (Damerau) -> 2, Jaro-Winkler >= 0.85 -> 3, else 4.

    Edits and similarity are taken on the key and, if given, on the letters as typed,
    whichever is closer: the key is built for East Slavic spelling and can pull an
    English name's typo apart (joshua / jsohua).
    """
    level = np.full(len(a), 4, dtype=np.int64)
    todo = ~(exact | same)
    edits = np.full(len(a), 99, dtype=np.int64)
    sim = np.zeros(len(a))
    if todo.any():
        edits[todo] = _damerau(a[todo], b[todo])
        sim[todo] = _jw(a[todo], b[todo])
        if raw_a is not None and raw_b is not None:
            edits[todo] = np.minimum(edits[todo], _damerau(raw_a[todo], raw_b[todo]))
            sim[todo] = np.maximum(sim[todo], _jw(raw_a[todo], raw_b[todo]))
    level[todo & (sim >= 0.85)] = 3
    level[todo & (edits <= 1)] = 2
    level[same] = 1
    level[exact] = 0
    return level


def _damerau(a: StrArray, b: StrArray) -> IntArray:
    """Edits with neighbouring transpositions, as optimal string alignment (OSA).

    Every caller asks only "at most one slip?", where OSA and true Damerau-Levenshtein
    agree (they differ from two edits up); OSA runs as fast as Levenshtein, the true
    distance three times slower (1 M ten-digit pairs: 0.9 s against 3.0 s).
    """
    return np.asarray(
        process.cpdist(list(a), list(b), scorer=distance.OSA.distance, workers=_workers(len(a))),
        dtype=np.int64,
    )


def _name_agreement(
    key_a: StrArray, stem_a: StrArray, mask_a: npt.NDArray[np.uint64],
    key_b: StrArray, stem_b: StrArray, mask_b: npt.NDArray[np.uint64],
) -> IntArray:  # fmt: skip
    """Rough agreement of two name fields (0..3), used only to decide the reading order."""
    score = np.zeros(len(key_a), dtype=np.int64)
    score[(stem_a == stem_b) | mask_intersects(mask_a, mask_b)] = 2
    score[key_a == key_b] = 3
    score[(key_a == "") | (key_b == "")] = 0
    return score


@dataclass(frozen=True, slots=True)
class _AlignedNames:
    """The pair's given-name and family-name fields, paired the way they were meant."""

    given_a: StrArray
    given_mask_a: npt.NDArray[np.uint64]
    given_b: StrArray
    given_mask_b: npt.NDArray[np.uint64]
    given_exact_a: npt.NDArray[np.uint64]
    given_exact_b: npt.NDArray[np.uint64]
    given_raw_a: StrArray
    given_raw_b: StrArray
    family_raw_a: StrArray
    family_raw_b: StrArray
    family_a: StrArray
    family_stem_a: StrArray
    family_b: StrArray
    family_stem_b: StrArray
    swapped: BoolArray


def _align(left: FeatureTable, li: IntArray, right: FeatureTable, ri: IntArray) -> _AlignedNames:
    """Read names crosswise when that agrees better; then the cross pair carrying tabled
    given names is the given-name pair (we cannot know which record was the swapped one)."""
    lg, lf = (
        (left.given_key[li], left.given_stem[li], left.given_mask[li]),
        (left.family_key[li], left.family_stem[li], left.family_mask[li]),
    )
    rg, rf = (right.given_key[ri], right.given_stem[ri], right.given_mask[ri]), (
        right.family_key[ri], right.family_stem[ri], right.family_mask[ri])  # fmt: skip
    straight = _name_agreement(*lg, *rg) + _name_agreement(*lf, *rf)
    agree1, agree2 = _name_agreement(*lg, *rf), _name_agreement(*lf, *rg)
    swapped = np.asarray(agree1 + agree2 > straight)
    # Crosswise: pair P1 = (left given, right family), P2 = (left family, right given).
    # The given-name pair is the one carrying tabled names, then the one agreeing better,
    # then (a tie) the one whose spellings sort first: every rule reads both records
    # alike, so comparing a with b gives what comparing b with a gives.
    tabled1 = mask_present(lg[2]) | mask_present(rf[2])
    tabled2 = mask_present(lf[2]) | mask_present(rg[2])
    low1, high1 = np.minimum(lg[0], rf[0]), np.maximum(lg[0], rf[0])
    low2, high2 = np.minimum(lf[0], rg[0]), np.maximum(lf[0], rg[0])
    sorts_first = (low2 < low1) | ((low2 == low1) & (high2 < high1))
    tie_goes_to_2 = (agree2 > agree1) | ((agree2 == agree1) & sorts_first)
    p2_is_given = swapped & ((tabled2 & ~tabled1) | ((tabled1 == tabled2) & tie_goes_to_2))
    p1_is_given = swapped & ~p2_is_given
    # Both records swapped the same way: the given names sit in the family fields.
    both_swapped = (
        ~swapped
        & ~(mask_present(lg[2]) | mask_present(rg[2]))
        & mask_present(lf[2])
        & mask_present(rf[2])
    )

    def pick(straight: np.ndarray, p1: np.ndarray, p2: np.ndarray, both: np.ndarray) -> np.ndarray:
        def col(flag: BoolArray) -> BoolArray:
            return flag if straight.ndim == 1 else flag[:, None]

        chosen = np.where(col(p1_is_given), p1, np.where(col(p2_is_given), p2, straight))
        return np.where(col(both_swapped), both, chosen)

    lge, lfe = left.given_exact[li], left.family_exact[li]
    rge, rfe = right.given_exact[ri], right.family_exact[ri]
    lgr, lfr = left.given_raw[li], left.family_raw[li]
    rgr, rfr = right.given_raw[ri], right.family_raw[ri]
    return _AlignedNames(
        given_a=pick(lg[0], lg[0], lf[0], lf[0]),
        given_mask_a=pick(lg[2], lg[2], lf[2], lf[2]),
        given_b=pick(rg[0], rf[0], rg[0], rf[0]),
        given_mask_b=pick(rg[2], rf[2], rg[2], rf[2]),
        given_exact_a=pick(lge, lge, lfe, lfe),
        given_exact_b=pick(rge, rfe, rge, rfe),
        given_raw_a=pick(lgr, lgr, lfr, lfr),
        given_raw_b=pick(rgr, rfr, rgr, rfr),
        family_raw_a=pick(lfr, lfr, lgr, lgr),
        family_raw_b=pick(rfr, rgr, rfr, rgr),
        family_a=pick(lf[0], lf[0], lg[0], lg[0]),
        family_stem_a=pick(lf[1], lf[1], lg[1], lg[1]),
        family_b=pick(rf[0], rg[0], rf[0], rg[0]),
        family_stem_b=pick(rf[1], rg[1], rf[1], rg[1]),
        swapped=swapped | both_swapped,
    )


def _given(names: _AlignedNames) -> IntArray:
    key_a, key_b = names.given_a, names.given_b
    mask_a, mask_b = names.given_mask_a, names.given_mask_b
    same = mask_intersects(mask_a, mask_b)
    level = _graded(key_a == key_b, same, key_a, key_b, names.given_raw_a, names.given_raw_b)
    # Two different tabled names (Александр / Александра, Иван / Илья) are two people
    # however similar the letters look; only exact spellings count, as a typo can land
    # on another name.
    exact_a, exact_b = names.given_exact_a, names.given_exact_b
    tabled_apart = (
        mask_present(exact_a) & mask_present(exact_b) & ~same & ~mask_intersects(exact_a, exact_b)
    )
    untabled = ~(mask_present(mask_a) | mask_present(mask_b))
    level[level == 4] = np.where(untabled[level == 4], 6, 5)
    level[tabled_apart] = 4
    level[(key_a == "") | (key_b == "")] = NULL
    return level


def _family(names: _AlignedNames) -> IntArray:
    key_a, key_b = names.family_a, names.family_b
    stem_a, stem_b = names.family_stem_a, names.family_stem_b
    level = _graded(
        key_a == key_b, stem_a == stem_b, stem_a, stem_b, names.family_raw_a, names.family_raw_b
    )
    level[(key_a == "") | (key_b == "")] = NULL
    return level


def _patronymic(left: FeatureTable, li: IntArray, right: FeatureTable, ri: IntArray) -> IntArray:
    key_a, key_b = left.patronymic_key[li], right.patronymic_key[ri]
    mask_a, mask_b = left.father_mask[li], right.father_mask[ri]
    same = mask_intersects(mask_a, mask_b) | (left.patronymic_stem[li] == right.patronymic_stem[ri])
    level = _graded(key_a == key_b, same, key_a, key_b)
    level[level == 3] = 2
    apart = mask_present(mask_a) & mask_present(mask_b) & ~same & (key_a != key_b)
    level[level == 4] = 4
    level[apart] = 3
    level[(key_a == "") | (key_b == "")] = NULL
    return level


def _one_digit_slip(a: IntArray, b: IntArray, width: int) -> BoolArray:
    """Do two numbers differ by one mistyped digit or two neighbouring digits swapped?"""
    differing = np.zeros(len(a), dtype=np.int64)
    digits_a = [(a // 10**p) % 10 for p in range(width)]
    digits_b = [(b // 10**p) % 10 for p in range(width)]
    for da, db in zip(digits_a, digits_b, strict=True):
        differing += da != db
    transposed = np.zeros(len(a), dtype=bool)
    for p in range(width - 1):
        swap = (digits_a[p] == digits_b[p + 1]) & (digits_a[p + 1] == digits_b[p])
        others = differing == 2
        transposed |= swap & others & (digits_a[p] != digits_a[p + 1])
    return np.asarray((differing == 1) | transposed)


def _birth_date(left: FeatureTable, li: IntArray, right: FeatureTable, ri: IntArray) -> IntArray:
    ya, ma, da = left.year[li], left.month[li], left.day[li]
    yb, mb, db = right.year[ri], right.month[ri], right.day[ri]
    full = (da > 0) & (db > 0)
    same_y, same_m, same_d = ya == yb, ma == mb, da == db
    level = np.full(len(ya), 5, dtype=np.int64)
    # Two full dates a year apart with the day or month different too are two dates,
    # as "different" as any (namesakes born a year apart); a year apart is weak
    # agreement only where a side has no day.
    level[~full & (np.abs(ya - yb) <= 1)] = 4
    # One field differs by a single slip of the finger, the other two agree.
    slip = (
        (same_m & same_d & _one_digit_slip(ya, yb, 4))
        | (same_y & same_d & _one_digit_slip(ma, mb, 2))
        | (same_y & same_m & _one_digit_slip(da, db, 2))
    )
    swapped_slip = (
        ((da == mb) & (ma == db) & _one_digit_slip(ya, yb, 4))
        | (same_y & (da == mb) & _one_digit_slip(ma, db, 2))
        | (same_y & (ma == db) & _one_digit_slip(da, mb, 2))
    )
    level[full & (slip | swapped_slip)] = 2
    partial = ~full & same_y & ((ma == 0) | (mb == 0) | same_m)
    # With only a year, a one-digit difference is as likely a different person (a father
    # born 30 years earlier) as a slip, so it counts as weak agreement only.
    partial_slip = ~full & ((ma == 0) | (mb == 0) | same_m) & _one_digit_slip(ya, yb, 4)
    level[partial_slip] = 4
    level[partial] = 3
    level[full & same_y & (da == mb) & (ma == db) & ~same_m] = 1
    level[full & same_y & same_m & same_d] = 0
    level[(ya == 0) | (yb == 0)] = NULL
    return level


def _coded(a: StrArray, b: StrArray, one_edit: bool) -> IntArray:
    """exact -> 0, (one edit -> 1), else last level; NULL if either side is empty.

    An edit is a typing slip in the Damerau sense: a digit left out, added, mistyped, or
    two neighbouring digits swapped (9384379 / 9384397). A transposition is one slip of
    the fingers, as common in numbers as a wrong digit; Levenshtein counted it as two
    and called such a document or postcode "different".
    """
    last = 2 if one_edit else 1
    level = np.full(len(a), last, dtype=np.int64)
    if one_edit:
        todo = a != b
        dist = np.full(len(a), 99, dtype=np.int64)
        dist[todo] = _damerau(a[todo], b[todo])
        level[dist <= 1] = 1
    level[a == b] = 0
    level[(a == "") | (b == "")] = NULL
    return level


def _residence(
    address_a: StrArray, address_b: StrArray, settlement_a: StrArray, settlement_b: StrArray
) -> IntArray:
    """Address and settlement as one comparison: they say the same thing (a household),
    and counting both would count the household twice."""
    level = np.full(len(address_a), NULL, dtype=np.int64)
    both = (address_a != "") & (address_b != "")
    ratio = np.zeros(len(address_a))
    todo = both & (address_a != address_b)
    if todo.any():
        ratio[todo] = process.cpdist(
            list(address_a[todo]),
            list(address_b[todo]),
            scorer=fuzz.token_set_ratio,
            workers=_workers(int(todo.sum())),
        )
    ratio[both & (address_a == address_b)] = 100.0
    level[both] = 3
    for pos, cut in reversed(list(enumerate((95.0, 80.0, 60.0)))):
        level[both & (ratio >= cut)] = pos
    settled = ~both & (settlement_a != "") & (settlement_b != "")
    same_place = settlement_a == settlement_b
    todo = settled & ~same_place
    if todo.any():
        same_place[todo] = _jw(settlement_a[todo], settlement_b[todo]) >= 0.90
    level[settled] = 5
    level[settled & same_place] = 4
    return level


def _sex(a: IntArray, b: IntArray) -> IntArray:
    level = np.where(a == b, 0, 1).astype(np.int64)
    level[(a == 0) | (b == 0)] = NULL
    return level


def compare(
    left: FeatureTable, li: IntArray, right: FeatureTable, ri: IntArray
) -> ComparisonVectors:
    """Comparison levels for pairs (left[li[k]], right[ri[k]])."""
    names = _align(left, li, right, ri)
    columns = [
        _given(names),
        _family(names),
        _patronymic(left, li, right, ri),
        _birth_date(left, li, right, ri),
        _sex(left.sex[li], right.sex[ri]),
        _coded(left.phone[li], right.phone[ri], one_edit=True),
        _coded(left.document[li], right.document[ri], one_edit=True),
        _residence(left.address[li], right.address[ri], left.settlement[li], right.settlement[ri]),
        _coded(left.postcode[li], right.postcode[ri], one_edit=True),
    ]
    if len(li) == 0:
        return ComparisonVectors(np.zeros((0, len(COMPARISONS)), np.int8), np.zeros(0, bool))
    return ComparisonVectors(
        levels=np.stack(columns, axis=1).astype(np.int8), swapped=names.swapped
    )
