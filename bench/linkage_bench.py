"""``ulinzi bench linkage --reports 1000000``: link generated multi-source reports with
known truth and score the result, beside a deterministic baseline in the same run.

The reports come from :mod:`ulinzi.analysis.linkage.synthetic` (misspelt facility names,
transliterated place names, dates a few days off or known only to the month, missing
coordinates, counts differing between sources). Linkage is the production pipeline
(standardise → Splink on DuckDB: u by random sampling, m by EM → scored pairs → clusters)
without the database round trip. The baseline links reports that agree exactly on
country, domain, day, province spelling and facility type, the rule a spreadsheet would
apply. Figures: pairwise precision/recall/F1, share of incidents recovered exactly,
wall time of the linkage (generation excluded) and peak resident memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np
import pandas as pd

from ulinzi.commands.options import number, whole

TARGET_F1 = 0.95
TARGET_SECONDS_1M = 120.0
TARGET_REAL_F1 = 0.9


def _baseline(raw: pd.DataFrame) -> np.ndarray:
    """Deterministic linkage: identical country, domain, day, province, facility type."""
    key = (
        raw["country"].astype(str)
        + "|" + raw["domain"].astype(str)
        + "|" + raw["occurred_on"].astype(str)
        + "|" + raw["admin1_name"].fillna("").astype(str).str.lower()
        + "|" + raw["facility_type"].fillna("").astype(str)
    )  # fmt: skip
    return pd.factorize(key)[0]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ulinzi bench linkage", description=__doc__)
    parser.add_argument("--reports", type=whole(), default=100_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--threshold", type=number(0, 1), default=None)
    parser.add_argument(
        "--real",
        action="store_true",
        help="also link Insecurity Insight's explosive-weapons and health-care files and "
        "score against their shared SiND Event IDs (hidden from the linker)",
    )
    args = parser.parse_args(argv)
    if args.real:
        _real(args.threshold)

    from ulinzi.analysis.linkage import evaluate, pipeline, synthetic

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average at the start {load}", flush=True)
    start = time.perf_counter()
    raw = synthetic.generate(args.reports, seed=args.seed)
    print(
        f"generated {len(raw):,} reports of {raw['true_id'].nunique():,} incidents "
        f"from {raw['organisation'].nunique()} sources in {raw['country'].nunique()} "
        f"countries ({time.perf_counter() - start:.1f} s, not counted)",
        flush=True,
    )
    memory_before = _peak_mb()

    start = time.perf_counter()
    base_labels = _baseline(raw)
    base_seconds = time.perf_counter() - start
    base = evaluate.scores(base_labels, raw["true_id"])

    start = time.perf_counter()
    result = pipeline.run(
        raw, threshold=args.threshold if args.threshold is not None else pipeline.THRESHOLD
    )
    seconds = time.perf_counter() - start
    scores = evaluate.scores(result.labels, raw["true_id"])
    peak = _peak_mb()

    print(f"\n{'':<26}{'baseline':>12}{'splink':>12}{'ratio':>10}")
    for key in ("pairwise_precision", "pairwise_recall", "pairwise_f1", "clusters_exact"):
        ratio = scores[key] / base[key] if base[key] else float("inf")
        print(f"{key:<26}{base[key]:>12.4f}{scores[key]:>12.4f}{ratio:>10.2f}")
    print(f"{'clusters':<26}{base['clusters']:>12,}{scores['clusters']:>12,}")
    print(f"{'wall time (s)':<26}{base_seconds:>12.2f}{seconds:>12.2f}"
          f"{seconds / max(base_seconds, 1e-9):>10.1f}")  # fmt: skip
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items())
    print(f"stages: {stages}; scored pairs kept: {len(result.pairs):,}")
    print(f"true incidents: {scores['true_incidents']:,}; review band pairs: "
          f"{len(result.review_pairs()):,}")  # fmt: skip
    print(f"peak resident memory: {peak:,.0f} MB (after generation: {memory_before:,.0f} MB)")
    budget = TARGET_SECONDS_1M * len(raw) / 1_000_000
    print(
        f"targets: F1 >= {TARGET_F1}: {'met' if scores['pairwise_f1'] >= TARGET_F1 else 'MISSED'}"
        f"; time <= {budget:.0f} s (pro rata of 2 min per 1M): "
        f"{'met' if seconds <= budget else 'MISSED'}"
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: load average at the end {load}")
    return 0


def _real(threshold: float | None) -> None:
    """Link the two real files; score against the event ids the linker never sees."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import linkage_real

    from ulinzi.analysis.linkage import evaluate, pipeline

    start = time.perf_counter()
    raw, truth, rejected = linkage_real.load()
    loaded = time.perf_counter() - start
    shared = int(truth.duplicated().sum())
    files = f"{linkage_real.HEALTH_CARE} and {linkage_real.EXPLOSIVE}"
    print(
        f"real: {len(raw):,} rows of {files} as the importer reads them ({rejected:,} rows "
        f"an import rejects left out); {shared:,} event ids in both ({loaded:.1f} s to "
        "read, not counted)",
        flush=True,
    )
    twins = linkage_real.indistinguishable(raw, truth)
    print(
        f"real: {twins:,} of the {shared:,} true pairs have a report with a twin in its own "
        "file that agrees on every field the linker reads (no comparison can tell which "
        "twin is whose)",
        flush=True,
    )
    start = time.perf_counter()
    result = pipeline.run(raw, threshold=threshold or pipeline.THRESHOLD)
    seconds = time.perf_counter() - start
    scores = evaluate.scores(result.labels, truth)
    print(f"real: model: {result.prediction.note}")
    for key in ("pairwise_precision", "pairwise_recall", "pairwise_f1", "clusters_exact"):
        print(f"real: {key:<24}{scores[key]:>10.4f}")
    met = "met" if scores["pairwise_f1"] >= TARGET_REAL_F1 else "MISSED"
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items())
    print(f"real: {seconds:.1f} s ({stages}); review band pairs "
          f"{len(result.review_pairs()):,}; target F1 >= {TARGET_REAL_F1}: {met}\n",
          flush=True)  # fmt: skip
