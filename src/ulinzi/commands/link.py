"""``ulinzi link [--since DATE] [--country ISO3]``: link duplicate reports across sources."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

HELP = "link duplicate incident reports across sources (Splink on DuckDB)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--country", help="only this country (ISO3)")
    parser.add_argument("--since", type=date.fromisoformat, help="only incidents from this date")
    parser.add_argument(
        "--threshold", type=float, default=None, help="match probability that links (0.9)"
    )
    parser.add_argument("--queue", action="store_true", help="run it in the background worker")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ulinzi.analysis.linkage import pipeline, services, tasks

    if args.threshold is not None and not 0 < args.threshold < 1:
        print("--threshold must be between 0 and 1", file=sys.stderr)
        return 2
    if args.queue:
        result = tasks.link_incidents.enqueue(
            country=args.country or "", since=args.since.isoformat() if args.since else ""
        )
        print(f"queued linkage task {result.id}")
        return 0
    linkage_run = services.run_linkage(
        country=args.country,
        since=args.since,
        threshold=args.threshold if args.threshold is not None else pipeline.THRESHOLD,
        progress=lambda line: print(line, flush=True),
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
        "seconds": linkage_run.seconds,
    }
    print(json.dumps(summary, indent=2))
    if linkage_run.state == "done" and not linkage_run.trained:
        print(f"warning: {linkage_run.training_note}", file=sys.stderr)
    if linkage_run.state != "done":
        print(f"failed: {linkage_run.error}", file=sys.stderr)
        return 1
    return 0
