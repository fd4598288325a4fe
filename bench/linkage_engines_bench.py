"""``ulinzi bench linkage-engines --reports 100000``: the same linkage on DuckDB and on
Spark (local mode on this machine's cores, or ``--spark-master URL``), scored against the
generated truth, in the same run.

Both runs are the production pipeline (standardise → train: prior from near-certain
pairs, u by random sampling, m by EM → scored pairs → clusters) on the same generated
reports (:mod:`ulinzi.analysis.linkage.synthetic`). DuckDB is the baseline: the figures
are Spark's pairwise precision, recall and F1 beside DuckDB's, their difference (target:
F1 within 0.01) and the wall time of each, with its ratio to DuckDB's.
"""

from __future__ import annotations

import argparse
import os
import time

from ulinzi.commands.options import whole

TARGET_F1_GAP = 0.01


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ulinzi bench linkage-engines", description=__doc__)
    parser.add_argument("--reports", type=whole(), default=100_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--spark-master", default="", help="default: local mode")
    args = parser.parse_args(argv)
    if args.reports < 2:
        parser.error("--reports must be at least 2")

    from ulinzi.analysis.linkage import backends, evaluate, pipeline, synthetic

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average at the start {load}", flush=True)
    raw = synthetic.generate(args.reports, seed=args.seed)
    print(f"generated {len(raw):,} reports of {raw['true_id'].nunique():,} incidents", flush=True)

    start = time.perf_counter()
    backends.spark_session(args.spark_master)
    print(f"Spark session started in {time.perf_counter() - start:.1f} s (not counted)")

    figures = {}
    for backend in (backends.DUCKDB, backends.Backend("spark", args.spark_master)):
        start = time.perf_counter()
        result = pipeline.run(raw, backend=backend)
        seconds = time.perf_counter() - start
        figures[backend.name] = (evaluate.scores(result.labels, raw["true_id"]), seconds, result)
        note = result.prediction.note
        stages = " / ".join(f"{k} {v:.1f}" for k, v in result.seconds.items())
        print(f"{backend.name}: {seconds:.1f} s ({stages} s), {len(result.pairs):,} pairs kept; "
              f"{note}", flush=True)  # fmt: skip

    duck, spark = figures["duckdb"], figures["spark"]
    print(f"\n{'':<22}{'duckdb':>12}{'spark':>12}{'difference':>12}")
    for key in ("pairwise_precision", "pairwise_recall", "pairwise_f1", "clusters_exact"):
        a, b = duck[0][key], spark[0][key]
        print(f"{key:<22}{a:>12.4f}{b:>12.4f}{b - a:>12.4f}")
    print(f"{'wall time (s)':<22}{duck[1]:>12.1f}{spark[1]:>12.1f}"
          f"{'×' + format(spark[1] / max(duck[1], 1e-9), '.1f'):>12}")  # fmt: skip
    gap = abs(spark[0]["pairwise_f1"] - duck[0]["pairwise_f1"])
    print(f"target: F1 within {TARGET_F1_GAP} of DuckDB's: "
          f"{'met' if gap <= TARGET_F1_GAP else 'MISSED'} (gap {gap:.4f})")  # fmt: skip
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: load average at the end {load}")
    return 0 if gap <= TARGET_F1_GAP else 1
