"""How many true re-registrations the desk's duplicate check would show; print JSON.

    .venv/bin/python bench/desk_recall.py [--records 20000] [--seed 7]

The desk shows a registered person when the engine's probability is at least 0.5 and
the pair holds no contradiction (`desks.duplicates`). Its prior is the model's, scaled
to the operation's registry (`LinkageModel.against`), so a pair that is shown against
20,000 registered persons may not be against 1.22 million. This scores every pair of
registrations of one person in the labelled synthetic data (`core.linkage.generator`:
the reception, volunteer-list and shelter sources with their typing habits) with the
reference model, and prints the share shown for each registry size. It leaves out the
blocking step, which is the same for every size (its recall is in
bench/linkage_quality.py), and the cap of three matches per member.
"""

from __future__ import annotations

import argparse
import json
import platform
from collections import defaultdict
from datetime import date
from itertools import combinations

import numpy as np

from refuge.core.linkage.engine import REFERENCE_RECORDS, REVIEW_PROBABILITY, reference_model, score
from refuge.core.linkage.features import build_features
from refuge.core.linkage.generator import LabelledData, generate

REGISTRIES = {
    "trained (20,000)": REFERENCE_RECORDS,
    "Kursk-2024, scale 1 (122,115)": 122_115,
    "Kursk-2024, scale 10 (1,221,007)": 1_221_007,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    opts = parser.parse_args()
    print(json.dumps({
        "bench": "desk_recall",
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "records": opts.records,
        "seed": opts.seed,
        # Everyone typed at reception desks (the desk's own case), then the whole mix.
        "reception_only": shown_share(generate(opts.records, opts.seed, sources=("reception",))),
        "all_sources": shown_share(generate(opts.records, opts.seed)),
    }, indent=2))  # fmt: skip


def shown_share(data: LabelledData) -> dict[str, object]:
    rows: dict[str, list[int]] = defaultdict(list)
    for row, person in enumerate(data.person_of):
        rows[person].append(row)
    pairs = [pair for group in rows.values() for pair in combinations(group, 2)]
    left = np.array([a for a, _ in pairs], dtype=np.int64)
    right = np.array([b for _, b in pairs], dtype=np.int64)
    table = build_features(data.records)
    model = reference_model()
    shown = {}
    for name, size in REGISTRIES.items():
        scored = score(model.against(size, REFERENCE_RECORDS), table, left, table, right)
        ok = (scored.probability >= REVIEW_PROBABILITY) & ~scored.contradicted
        shown[name] = round(float(ok.mean()), 4)
    return {"true_pairs": len(pairs), "shown_share": shown}


if __name__ == "__main__":
    main()
