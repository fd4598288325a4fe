"""``ulinzi link [--since DATE] [--country ISO3] [--engine spark [--spark-master URL]]``:
link duplicate reports across sources.

``ulinzi link sample --n 200 --between who-ssa insecurity-insight``: draw a stratified
random sample of scored pairs into the review queue; ``ulinzi link precision``: the
precision per score band estimated from the decisions on it (docs/linkage.md)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

HELP = "link duplicate incident reports across sources (Splink on DuckDB or Spark)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--country", help="only this country (ISO3)")
    parser.add_argument("--since", type=date.fromisoformat, help="only incidents from this date")
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="match probability (weighed against competing candidates) that links (0.5)",
    )
    parser.add_argument("--queue", action="store_true", help="run it in the background worker")
    parser.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default=None,
        help="where the model runs (default: ULINZI_LINK_ENGINE, else duckdb)",
    )
    parser.add_argument(
        "--spark-master",
        default=None,
        help="Spark master URL, e.g. spark://host:7077 (default: ULINZI_SPARK_MASTER, "
        "else local mode on this machine's cores)",
    )
    parser.set_defaults(handler=run)
    actions = parser.add_subparsers(dest="action", metavar="{sample,precision}")
    sample = actions.add_parser(
        "sample", help="draw a stratified random sample of scored pairs for clerical review"
    )
    sample.add_argument("--n", type=int, default=200, help="pairs to draw (200)")
    sample.add_argument(
        "--between", nargs="+", default=[], metavar="ORG",
        help="only pairs of two of these organisations (codes)",
    )  # fmt: skip
    sample.add_argument("--country", help="only this country (ISO3)")
    sample.add_argument("--since", type=date.fromisoformat, help="only incidents from this date")
    sample.add_argument("--seed", type=int, default=2026)
    sample.set_defaults(handler=draw_sample)
    estimate = actions.add_parser(
        "precision", help="precision per score band from the decisions on a clerical sample"
    )
    estimate.add_argument("--sample", type=int, help="sample id (the latest)")
    estimate.set_defaults(handler=show_precision)


def draw_sample(args: argparse.Namespace) -> int:
    from ulinzi.analysis.linkage import sample
    from ulinzi.common.problems import InvalidInput

    try:
        drawn = sample.draw(
            n=args.n, organisations=tuple(args.between), country=args.country,
            since=args.since, seed=args.seed,
        )  # fmt: skip
    except InvalidInput as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"sample": drawn.pk, "model": drawn.model_note, "bands": drawn.bands},
                     indent=2))  # fmt: skip
    print(f"{sum(b['drawn'] for b in drawn.bands.values())} pairs queued for review, marked as "
          f"sample {drawn.pk}; decide them at /linkage/review/?sample={drawn.pk}")  # fmt: skip
    return 0


def show_precision(args: argparse.Namespace) -> int:
    from ulinzi.analysis.linkage import sample
    from ulinzi.analysis.linkage.models import ClericalSample

    qs = ClericalSample.objects.all()
    chosen = qs.filter(pk=args.sample).first() if args.sample else qs.first()
    if chosen is None:
        print("no clerical sample: draw one with 'ulinzi link sample'", file=sys.stderr)
        return 1
    result = sample.precision(chosen)
    print(f"sample {chosen.pk} ({chosen.created_at:%Y-%m-%d}), threshold {chosen.threshold}")
    print(f"{'band':<12}{'pairs':>8}{'drawn':>7}{'decided':>9}{'same':>6}  precision (95 % CI)")
    for band in result["bands"]:
        ci = band.interval
        shown = (f"{band.precision:.2f} ({ci[0]:.2f}-{ci[1]:.2f})"
                 if band.precision is not None and ci else "no decisions yet")  # fmt: skip
        print(f"{band.label:<12}{band.pairs:>8}{band.drawn:>7}{band.decided:>9}"
              f"{band.confirmed:>6}  {shown}")  # fmt: skip
    linked = result["linked_precision"]
    print("precision of the links (bands at or above the threshold, weighed by pairs): "
          + (f"{linked:.3f}" if linked is not None else "not known until each such band "
             "has decisions"))  # fmt: skip
    return 0


def run(args: argparse.Namespace) -> int:
    from ulinzi.analysis.linkage import backends, pipeline, services, tasks

    if args.threshold is not None and not 0 < args.threshold < 1:
        print("--threshold must be between 0 and 1", file=sys.stderr)
        return 2
    if args.spark_master and (args.engine or backends.configured().name) != "spark":
        print("--spark-master needs --engine spark (or ULINZI_LINK_ENGINE=spark)", file=sys.stderr)
        return 2
    configured = backends.configured()
    backend = backends.Backend(
        args.engine or configured.name,
        args.spark_master if args.spark_master is not None else configured.master,
    )
    if args.queue:
        result = tasks.link_incidents.enqueue(
            country=args.country or "",
            since=args.since.isoformat() if args.since else "",
            engine=backend.name,
            spark_master=backend.master,
        )
        print(f"queued linkage task {result.id}")
        return 0
    linkage_run = services.run_linkage(
        country=args.country,
        since=args.since,
        threshold=args.threshold if args.threshold is not None else pipeline.THRESHOLD,
        progress=lambda line: print(line, flush=True),
        backend=backend,
    )
    summary = {
        "run": linkage_run.pk,
        "state": linkage_run.state,
        "reports": linkage_run.reports,
        "pairs_scored": linkage_run.pairs,
        "clusters": linkage_run.clusters,
        "newly_linked": linkage_run.linked,
        "unlinked": linkage_run.unlinked,
        "review_pairs": linkage_run.review_pairs,
        "trained_on_this_data": linkage_run.trained,
        "model": linkage_run.training_note,
        "engine": backend.name + (f" ({backend.master})" if backend.master else ""),
        "seconds": linkage_run.seconds,
    }
    print(json.dumps(summary, indent=2))
    if linkage_run.state == "done" and not linkage_run.trained:
        print(f"warning: {linkage_run.training_note}", file=sys.stderr)
    if linkage_run.state != "done":
        print(f"failed: {linkage_run.error}", file=sys.stderr)
        return 1
    return 0
