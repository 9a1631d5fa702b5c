"""An in-memory index of registered persons for the registration desk's single check.

`PersonIndex.check_one(record)` answers "is this person already registered?" while the
evacuee is still at the desk: the record's blocking keys are looked up by binary search
in one sorted array of hashed keys, and only those candidates are scored with the same
comparisons and model as the batch. Nothing here writes; the caller decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from refuge.core.linkage.blocking import MAX_BLOCK, hash_keys, key_table, record_keys
from refuge.core.linkage.engine import (
    AUTO_MERGE_PROBABILITY,
    REVIEW_PROBABILITY,
    Decision,
    Evidence,
    RefugeLinker,
    evidence_of,
    score,
)
from refuge.core.linkage.features import FeatureTable, IntArray, build_features
from refuge.core.linkage.model import LinkageModel
from refuge.core.linkage.records import PersonRecord


@dataclass(frozen=True, slots=True)
class Candidate:
    """A registered person who may be the one at the desk, best first."""

    record_id: str
    match_probability: float
    match_weight: float
    decision: Decision
    swapped_names: bool
    evidence: tuple[Evidence, ...]
    contradictions: tuple[str, ...]


class PersonIndex:
    """Registered persons, ready for `check_one` in milliseconds."""

    def __init__(
        self,
        table: FeatureTable,
        model: LinkageModel,
        merge_at: float = AUTO_MERGE_PROBABILITY,
        review_at: float = REVIEW_PROBABILITY,
    ) -> None:
        self.table = table
        self.model = model
        self.merge_at = merge_at
        self.review_at = review_at
        keys = key_table(table)
        order = np.argsort(keys.key, kind="stable")
        self._keys = keys.key[order]
        self._rows = keys.row[order]

    @classmethod
    def build(
        cls, records: Sequence[PersonRecord], model: LinkageModel | None = None
    ) -> PersonIndex:
        """Index `records`; without a model, train one on them as the batch would."""
        table = build_features(records)
        if model is None:
            result = RefugeLinker().dedupe_table(table)
            if result.model is None:
                raise ValueError("need at least two records to train a model")
            model = result.model
        return cls(table, model)

    def __len__(self) -> int:
        return len(self.table)

    def _candidates(self, query: FeatureTable) -> IntArray:
        hashed = hash_keys(list(record_keys(query, 0)))
        starts = np.searchsorted(self._keys, hashed, side="left")
        ends = np.searchsorted(self._keys, hashed, side="right")
        blocks = [
            self._rows[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
            if 0 < e - s <= MAX_BLOCK
        ]  # fmt: skip
        if not blocks:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(blocks))

    def check_one(
        self, record: PersonRecord, limit: int = 10, min_probability: float = 0.01
    ) -> list[Candidate]:
        """Registered persons who may be `record`, highest match probability first."""
        query = build_features([record])
        rows = self._candidates(query)
        if len(rows) == 0:
            return []
        pairs = score(self.model, query, np.zeros(len(rows), dtype=np.int64), self.table, rows)
        order = np.argsort(-pairs.weight, kind="stable")[:limit]
        decisions = pairs.decisions(self.merge_at, self.review_at)
        found: list[Candidate] = []
        for k in order.tolist():
            if pairs.probability[k] < min_probability:
                break
            evidence, against = evidence_of(
                self.model, pairs.levels[k], bool(pairs.corroborated[k]),
                bool(pairs.contradicted[k]),
            )  # fmt: skip
            found.append(
                Candidate(
                    record_id=str(self.table.record_id[rows[k]]),
                    match_probability=float(pairs.probability[k]),
                    match_weight=float(pairs.weight[k]),
                    decision=decisions[k],
                    swapped_names=bool(pairs.swapped[k]),
                    evidence=evidence,
                    contradictions=against,
                )
            )
        return found
