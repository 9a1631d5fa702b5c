"""Stock Splink (DuckDB) configured as its documentation suggests, behind `Deduplicator`.

This is the comparison the benchmarks report next to `RefugeLinker`: the library's
out-of-the-box comparisons (NameComparison, DateOfBirthComparison, ExactMatch), the
getting-started blocking rules (given name + birth date, family name), u by random
sampling, m by EM in two sessions, connected components at 0.95. No name knowledge.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from refuge.core.linkage.engine import DedupeResult
from refuge.core.linkage.records import PersonRecord

if TYPE_CHECKING:
    from splink import Linker

_OPTIONAL_EXACT = ("sex", "phone", "document_number", "settlement", "address", "postcode")


def _frame(records: Sequence[PersonRecord]) -> pd.DataFrame:
    rows = {
        "unique_id": [r.record_id for r in records],
        "given_name": [r.given_name or None for r in records],
        "family_name": [r.family_name or None for r in records],
        "birth_date": [
            str(r.birth_date) if r.birth_date and r.birth_date.day else None for r in records
        ],
    }
    for name in _OPTIONAL_EXACT:
        rows[name] = [getattr(r, name) or None for r in records]
    return pd.DataFrame(rows)


@dataclass
class StockSplink:
    """Splink as documented, for side-by-side quality figures."""

    cluster_at: float = 0.95
    u_pairs: float = 1e7
    seed: int = 42

    def dedupe(self, records: Sequence[PersonRecord]) -> DedupeResult:
        linker = self._trained([_frame(records)], "dedupe_only")
        predictions = linker.inference.predict(threshold_match_probability=0.01)
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=self.cluster_at
        ).as_pandas_dataframe()  # type: ignore[no-untyped-call]
        cluster_of = dict(zip(clusters["unique_id"], clusters["cluster_id"], strict=True))
        labels, _ = pd.factorize(pd.Series([cluster_of[r.record_id] for r in records]))
        return DedupeResult(
            record_ids=np.array([r.record_id for r in records], dtype=object),
            cluster=np.asarray(labels, dtype=np.int64),
            pairs=None,
            model=None,
            merge_at=self.cluster_at,
            review_at=self.cluster_at,
        )

    def link(self, left: Sequence[PersonRecord], right: Sequence[PersonRecord]) -> dict[str, str]:
        """Splink's `link_only`: each left id's most probable right id at `cluster_at`."""
        linker = self._trained([_frame(left), _frame(right)], "link_only")
        predictions = linker.inference.predict(
            threshold_match_probability=self.cluster_at
        ).as_pandas_dataframe()  # type: ignore[no-untyped-call]
        # Sides by the dataset each id came from, whichever order Splink put them in.
        left_ids = {r.record_id for r in left}
        best: dict[str, tuple[float, str]] = {}
        for a, b, prob in zip(predictions["unique_id_l"], predictions["unique_id_r"],
                              predictions["match_probability"], strict=True):  # fmt: skip
            lid, rid = (a, b) if a in left_ids else (b, a)
            if lid not in best or prob > best[lid][0]:
                best[lid] = (float(prob), rid)
        return {lid: rid for lid, (_, rid) in best.items()}

    def _trained(
        self, frames: list[pd.DataFrame], link_type: Literal["dedupe_only", "link_only"]
    ) -> Linker:
        import splink.comparison_library as cl
        from splink import DuckDBAPI, Linker, SettingsCreator, block_on

        frame = pd.concat(frames)
        comparisons: list[Any] = [
            cl.NameComparison("given_name"),
            cl.NameComparison("family_name"),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
        ]
        for name in _OPTIONAL_EXACT:
            if frame[name].notna().any():
                comparisons.append(cl.ExactMatch(name))
        settings = SettingsCreator(
            link_type=link_type,
            comparisons=comparisons,
            blocking_rules_to_generate_predictions=[
                block_on("given_name", "birth_date"),
                block_on("family_name"),
            ],
            retain_intermediate_calculation_columns=False,
        )
        db_api = DuckDBAPI()
        tables = [db_api.register(f, table_name=f"records_{n}") for n, f in enumerate(frames)]
        linker = Linker(tables if len(tables) > 1 else tables[0], settings,
                        log_level=logging.WARNING)  # fmt: skip
        training = linker.training
        training.estimate_probability_two_random_records_match(
            [block_on("given_name", "family_name", "birth_date")], recall=0.7
        )
        training.estimate_u_using_random_sampling(max_pairs=self.u_pairs, seed=self.seed)
        training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
        training.estimate_parameters_using_expectation_maximisation(
            block_on("given_name", "family_name")
        )
        return linker
