"""Pairs and households: what a household shares is no evidence between its members.

Scanned over a registry, the engine weighs a shared phone, home and surname as if
they were independent evidence, so a husband and wife registered together scored 0.98
and the Kursk-2024 registry queued 131,060 pairs of people registered together.
Two rules, both on pairs already scored:

* Within one household, only the pair's OWN fields count: the surname, phone,
  residence and postcode weights are taken out of the score, nothing may contradict
  (two given names, two fathers, two birth dates no slip explains), and a personal
  field (birth date, patronymic, document) must agree. A person typed twice into one
  household still scores high on name, date and patronymic; spouses, twins, and a
  grandmother and granddaughter of one name do not.
* Between two households, a person is at most one person of the other household.
  A family registered twice pairs member with member; the cross pairs (the husband's
  second registration against the wife's first) are kept out, best pairs first.

`pair_members` pairs the members of two registrations of one family the same way, for
an officer merging the whole household at once.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from refuge.core.linkage.engine import (
    AUTO_MERGE_PROBABILITY,
    HOUSEHOLD_COMPARISONS,
    REVIEW_PROBABILITY,
    Decision,
    Evidence,
    ScoredPair,
    evidence_of,
    score,
)
from refuge.core.linkage.features import build_features
from refuge.core.linkage.model import LinkageModel, probability
from refuge.core.linkage.records import PersonRecord


def own_fields_pair(pair: ScoredPair, review_at: float) -> ScoredPair | None:
    """The pair scored on its own fields alone, or None when those do not make it a pair."""
    if pair.contradictions:  # includes "no-personal-field-agrees"
        return None
    shared = sum(e.weight for e in pair.evidence if e.comparison in HOUSEHOLD_COMPARISONS)
    weight = pair.match_weight - shared
    p = float(probability(np.asarray(weight)))
    if p < review_at:
        return None
    merge = pair.decision == Decision.MERGE and p >= AUTO_MERGE_PROBABILITY
    return replace(
        pair,
        match_weight=weight,
        match_probability=p,
        decision=Decision.MERGE if merge else Decision.REVIEW,
    )


def household_pairs(
    pairs: Sequence[ScoredPair], household_of: Mapping[str, Hashable], review_at: float
) -> list[ScoredPair]:
    """The pairs worth an officer's time once households are known (record id -> household).

    Pairs within a household are re-scored on their own fields; between two households
    each record keeps at most one partner in the other, the most probable first.
    """
    kept: list[ScoredPair] = []
    partner: set[tuple[str, Hashable]] = set()  # (record, the other household) matched
    for pair in sorted(pairs, key=lambda p: (-p.match_weight, p.left_id, p.right_id)):
        a, b = household_of[pair.left_id], household_of[pair.right_id]
        if a == b:
            rescored = own_fields_pair(pair, review_at)
            if rescored is not None:
                kept.append(rescored)
            continue
        if (pair.left_id, b) in partner or (pair.right_id, a) in partner:
            continue
        partner.add((pair.left_id, b))
        partner.add((pair.right_id, a))
        kept.append(pair)
    return kept


@dataclass(frozen=True, slots=True)
class MemberPair:
    """A member of one registration of a family and the member of the other they are."""

    left: int  # index into the left household's records
    right: int
    probability: float
    evidence: tuple[Evidence, ...]
    contradictions: tuple[str, ...]
    swapped_names: bool


def pair_members(
    model: LinkageModel,
    left: Sequence[PersonRecord],
    right: Sequence[PersonRecord],
    review_at: float = REVIEW_PROBABILITY,
) -> list[MemberPair]:
    """Pair the members of two registrations of one family, each at most once, best first.

    Every member is scored against every member of the other registration; a pair needs
    the review probability and nothing against it. A member with no such partner (a
    child registered only once) stays unpaired.
    """
    if not left or not right:
        return []
    li = np.repeat(np.arange(len(left), dtype=np.int64), len(right))
    ri = np.tile(np.arange(len(right), dtype=np.int64), len(left))
    scored = score(model, build_features(left), li, build_features(right), ri)
    out: list[MemberPair] = []
    taken_left: set[int] = set()
    taken_right: set[int] = set()
    for k in np.argsort(-scored.weight, kind="stable").tolist():
        a, b = int(li[k]), int(ri[k])
        p = float(scored.probability[k])
        if p < review_at or scored.contradicted[k] or a in taken_left or b in taken_right:
            continue
        evidence, against = evidence_of(
            model, scored.levels[k], bool(scored.corroborated[k]), bool(scored.contradicted[k])
        )
        taken_left.add(a)
        taken_right.add(b)
        out.append(MemberPair(a, b, p, evidence, against, bool(scored.swapped[k])))
    return sorted(out, key=lambda m: m.left)
