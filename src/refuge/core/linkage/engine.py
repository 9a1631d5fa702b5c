"""Deduplication of a batch: features -> blocking -> scoring -> decisions -> clusters.

`Deduplicator` is the one interface the command and the benchmarks call; `RefugeLinker`
is the engine with East Slavic name knowledge, `splink_adapter.StockSplink` the
documented Splink configuration it is measured against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Protocol

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from refuge.core.linkage.blocking import Blocker, DuckDBBlocker, key_table
from refuge.core.linkage.comparisons import (
    COMPARISONS,
    CONTRADICTIONS,
    LEVELS,
    NULL,
    ComparisonVectors,
    compare,
)
from refuge.core.linkage.features import BoolArray, FeatureTable, IntArray, build_features
from refuge.core.linkage.model import FloatArray, LinkageModel, estimate_m, estimate_u, probability
from refuge.core.linkage.records import PersonRecord

# Measured on the generated benchmark (docs/LINKAGE.md, "Thresholds"): at 0.99 the
# precision of merged pairs is above 0.999; between 0.5 and 0.99 pairs go to a person.
AUTO_MERGE_PROBABILITY = 0.99
REVIEW_PROBABILITY = 0.5
# A batch's review queue reads pairs nothing speaks against from 0.1: measured on the
# generated set (docs/LINKAGE.md, "The review queue"), this keeps the recall after review
# of the old 0.5 queue while contradicted pairs explained by a shared household leave it.
BATCH_REVIEW_PROBABILITY = 0.1
# What members of one household share, so it says nothing about which member a record is.
HOUSEHOLD_COMPARISONS = frozenset({"family_name", "phone", "residence", "postcode"})
SCORING_CHUNK = 1_000_000
# Below this many records a file says too little about its own m and u (five rows give
# no random pairs worth the name); it borrows the model trained on the reference
# synthetic population instead (same generator and seed as bench/linkage_quality.py).
MIN_TRAINING_RECORDS = 5_000
REFERENCE_RECORDS = 20_000
REFERENCE_SEED = 2024


class Decision(StrEnum):
    MERGE = "merge"
    REVIEW = "review"
    DISTINCT = "distinct"


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one comparison said about a pair, and how much it weighed (log2 Bayes factor)."""

    comparison: str
    level: str
    weight: float

    def __str__(self) -> str:
        return f"{self.comparison}:{self.level}({self.weight:+.1f})"


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """A candidate pair with its score, decision and the evidence behind them."""

    left_id: str
    right_id: str
    match_weight: float
    match_probability: float
    decision: Decision
    swapped_names: bool
    evidence: tuple[Evidence, ...]
    contradictions: tuple[str, ...]

    def reasons(self) -> str:
        return describe_reasons(self.evidence, self.swapped_names, self.contradictions)


def describe_reasons(
    evidence: tuple[Evidence, ...], swapped_names: bool, contradictions: tuple[str, ...]
) -> str:
    """The evidence for and against a match in one line, for files and review screens."""
    parts = [str(e) for e in evidence]
    if swapped_names:
        parts.insert(0, "names-read-crosswise")
    if contradictions:
        parts.append("against-merge:" + "+".join(contradictions))
    return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class ScoredPairs:
    """Scored candidate pairs as columns (row indices into the scored table)."""

    left: IntArray
    right: IntArray
    levels: np.ndarray
    swapped: BoolArray
    weight: FloatArray
    probability: FloatArray
    contradicted: BoolArray
    corroborated: BoolArray
    own_weight: FloatArray  # the weight without what a household shares

    def __len__(self) -> int:
        return len(self.left)

    def mergeable(self, merge_at: float) -> BoolArray:
        """Auto-merge: high probability, no contradiction, and the person's own field agrees."""
        return np.asarray((self.probability >= merge_at) & ~self.contradicted & self.corroborated)

    def reviewable(self, review_at: float) -> BoolArray:
        """Worth a person's reading: probable enough, and if something speaks against it
        (two given names, two birth dates no slip explains), probable on its own fields.

        Two members of one household share surname, phone and address, and those weights
        add up as if independent; when their given names or birth dates disagree, what
        agrees is the household, not the person. On the generated set such pairs were
        two thirds of the queue and 96 % of them two people.
        """
        own = probability(self.own_weight) >= REVIEW_PROBABILITY
        return np.asarray((self.probability >= review_at) & (~self.contradicted | own))

    def decisions(self, merge_at: float, review_at: float) -> list[Decision]:
        out: list[Decision] = []
        merge = self.mergeable(merge_at).tolist()
        review = self.reviewable(review_at).tolist()
        for merged, reviewed in zip(merge, review, strict=True):
            if merged:
                out.append(Decision.MERGE)
            elif reviewed:
                out.append(Decision.REVIEW)
            else:
                out.append(Decision.DISTINCT)
        return out


def evidence_of(
    model: LinkageModel, levels: np.ndarray, corroborated: bool, contradicted: bool
) -> tuple[tuple[Evidence, ...], tuple[str, ...]]:
    """Readable evidence, and what stands against a merge, for one pair's level vector."""
    evidence: list[Evidence] = []
    contradictions: list[str] = []
    for col, name in enumerate(COMPARISONS):
        level = int(levels[col])
        if level == NULL:
            continue
        evidence.append(Evidence(name, LEVELS[name][level], float(model.weights[name][level])))
        if contradicted and level in CONTRADICTIONS.get(name, ()):
            contradictions.append(name)
    if not corroborated:
        contradictions.append("no-personal-field-agrees")
    return tuple(evidence), tuple(contradictions)


def compare_chunked(
    left: FeatureTable, li: IntArray, right: FeatureTable, ri: IntArray
) -> ComparisonVectors:
    """Comparison vectors computed in chunks that keep intermediate memory flat."""
    parts = [
        compare(left, li[start : start + SCORING_CHUNK], right, ri[start : start + SCORING_CHUNK])
        for start in range(0, max(len(li), 1), SCORING_CHUNK)
    ]
    return ComparisonVectors(
        levels=np.concatenate([p.levels for p in parts]),
        swapped=np.concatenate([p.swapped for p in parts]),
    )


def score_vectors(
    model: LinkageModel, li: IntArray, ri: IntArray, vectors: ComparisonVectors
) -> ScoredPairs:
    by_comparison = model.level_weights(vectors)
    weight = by_comparison.sum(axis=1) + model.prior_weight
    shared = [COMPARISONS.index(name) for name in sorted(HOUSEHOLD_COMPARISONS)]
    own_weight = weight - by_comparison[:, shared].sum(axis=1)
    return ScoredPairs(
        li, ri, vectors.levels, vectors.swapped, weight, probability(weight),
        vectors.contradicted(), vectors.corroborated(), own_weight,
    )  # fmt: skip


def score(
    model: LinkageModel, left: FeatureTable, li: IntArray, right: FeatureTable, ri: IntArray
) -> ScoredPairs:
    """Score pairs (left[li[k]], right[ri[k]])."""
    return score_vectors(model, li, ri, compare_chunked(left, li, right, ri))


def clusters_from_links(n: int, left: IntArray, right: IntArray) -> IntArray:
    """Connected components: row -> cluster number (a row with no link is alone)."""
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return np.asarray(labels, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class DedupeResult:
    """Clusters for every input row, plus the scored candidate pairs behind them."""

    record_ids: np.ndarray
    cluster: IntArray  # cluster number per input row
    pairs: ScoredPairs | None
    model: LinkageModel | None
    merge_at: float
    review_at: float

    def cluster_ids(self) -> list[str]:
        """Each cluster named by the smallest record id in it (stable across runs)."""
        first: dict[int, str] = {}
        for rid, label in zip(self.record_ids.tolist(), self.cluster.tolist(), strict=True):
            if label not in first or rid < first[label]:
                first[label] = rid
        return [first[label] for label in self.cluster.tolist()]

    def scored_pairs(self, min_probability: float) -> list[ScoredPair]:
        if self.pairs is None or self.model is None:
            return []
        pairs, model = self.pairs, self.model
        keep = np.flatnonzero(pairs.probability >= min_probability)
        decisions = pairs.decisions(self.merge_at, self.review_at)
        out: list[ScoredPair] = []
        for k in keep.tolist():
            evidence, contradictions = evidence_of(
                model, pairs.levels[k], bool(pairs.corroborated[k]), bool(pairs.contradicted[k])
            )
            out.append(
                ScoredPair(
                    left_id=str(self.record_ids[pairs.left[k]]),
                    right_id=str(self.record_ids[pairs.right[k]]),
                    match_weight=float(pairs.weight[k]),
                    match_probability=float(pairs.probability[k]),
                    decision=decisions[k],
                    swapped_names=bool(pairs.swapped[k]),
                    evidence=evidence,
                    contradictions=contradictions,
                )
            )
        return out


@lru_cache(maxsize=1)
def reference_model() -> LinkageModel:
    """The model trained on the reference synthetic population (about 3 s, once)."""
    from refuge.core.linkage.generator import generate

    data = generate(REFERENCE_RECORDS, seed=REFERENCE_SEED)
    table = build_features(data.records)
    left, right = DuckDBBlocker().candidate_pairs(key_table(table))
    vectors = compare_chunked(table, left, table, right)
    return estimate_m(vectors, estimate_u(table), records=len(table))


class Deduplicator(Protocol):
    """Anything that can cluster a batch of person records."""

    def dedupe(self, records: Sequence[PersonRecord]) -> DedupeResult: ...


@dataclass
class RefugeLinker:
    """Record linkage with East Slavic name knowledge (this project's engine)."""

    merge_at: float = AUTO_MERGE_PROBABILITY
    review_at: float = BATCH_REVIEW_PROBABILITY
    blocker: Blocker | None = None
    model: LinkageModel | None = None

    def train(self, table: FeatureTable, vectors: ComparisonVectors) -> LinkageModel:
        if len(table) < MIN_TRAINING_RECORDS:
            return reference_model()
        return estimate_m(vectors, estimate_u(table), records=len(table))

    def dedupe(self, records: Sequence[PersonRecord]) -> DedupeResult:
        table = build_features(records)
        return self.dedupe_table(table)

    def dedupe_table(self, table: FeatureTable) -> DedupeResult:
        n = len(table)
        if n < 2:
            return DedupeResult(
                table.record_id, np.arange(n), None, None, self.merge_at, self.review_at
            )
        left, right = (self.blocker or DuckDBBlocker()).candidate_pairs(key_table(table))
        vectors = compare_chunked(table, left, table, right)
        model = self.model or self.train(table, vectors)
        pairs = score_vectors(model, left, right, vectors)
        merged = pairs.mergeable(self.merge_at)
        cluster = clusters_from_links(n, pairs.left[merged], pairs.right[merged])
        return DedupeResult(table.record_id, cluster, pairs, model, self.merge_at, self.review_at)


@dataclass(frozen=True, slots=True)
class Link:
    """A left record's best right record, or none (right_id "" and no pair)."""

    left_id: str
    right_id: str
    pair: ScoredPair | None


def link(
    linker: RefugeLinker,
    left: Sequence[PersonRecord],
    right: Sequence[PersonRecord],
    *,
    one_to_one: bool = False,
) -> list[Link]:
    """Each left record's best right match, or none, in left order.

    Both files go through the deduplication as one table (the same features, blocking,
    model trained on both, and decisions); of the pairs it would merge, only those across
    the two files count. Without `one_to_one` a right record may be the match of several
    left ones (a partner list typing one person twice); with it, pairs are taken most
    probable first and each right record is used once.
    """
    n_left = len(left)
    result = linker.dedupe([*left, *right])
    if result.pairs is None or result.model is None:
        return [Link(r.record_id, "", None) for r in left]
    pairs = result.pairs
    lo = np.minimum(pairs.left, pairs.right)
    hi = np.maximum(pairs.left, pairs.right)
    across = np.flatnonzero((lo < n_left) & (hi >= n_left) & pairs.mergeable(linker.merge_at))
    # Most probable first; ties by row for the same answer on every run.
    order = across[np.lexsort((hi[across], lo[across], -pairs.probability[across]))]
    best: dict[int, int] = {}
    taken: set[int] = set()
    for k in order.tolist():
        a, b = int(lo[k]), int(hi[k])
        if a in best or (one_to_one and b in taken):
            continue
        best[a] = k
        taken.add(b)
    out: list[Link] = []
    for row, record in enumerate(left):
        k = best.get(row)
        if k is None:
            out.append(Link(record.record_id, "", None))
            continue
        evidence, contradictions = evidence_of(
            result.model, pairs.levels[k], bool(pairs.corroborated[k]), bool(pairs.contradicted[k])
        )
        scored = ScoredPair(
            left_id=record.record_id,
            right_id=right[int(hi[k]) - n_left].record_id,
            match_weight=float(pairs.weight[k]),
            match_probability=float(pairs.probability[k]),
            decision=Decision.MERGE,
            swapped_names=bool(pairs.swapped[k]),
            evidence=evidence,
            contradictions=contradictions,
        )
        out.append(Link(record.record_id, scored.right_id, scored))
    return out
