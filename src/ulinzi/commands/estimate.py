"""``ulinzi estimate``: multiple systems estimation of incidents no source recorded.

``--counts FILE.csv`` reads an overlap table (one 0/1 column per list, named after the
list, and a ``count`` column); ``--country ISO3 --period 2024`` uses the linked incidents
in the database. Prints JSON: the model-averaged log-linear estimate and the
latent-class one, each with its interval, the guidance on which to read, and caveats.
``--seed`` fixes the latent-class sampler's random numbers (same seed, same figures).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HELP = "estimate the total number of incidents, including those no source recorded"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--counts", type=Path, help="overlap table (CSV)")
    parser.add_argument("--country", help="ISO3 country of the stratum")
    parser.add_argument("--period", help="2024, 2024-Q2, 2024-03 or 2024-01-01..2024-06-30")
    parser.add_argument("--domain", default="", help="domain of the stratum")
    parser.add_argument("--admin1", default="", help="admin1 P-code of the stratum")
    parser.add_argument("--seed", type=int, default=2016, help="latent-class sampler seed")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ulinzi.analysis.estimation import estimate, linked, tables
    from ulinzi.common.problems import InvalidInput

    try:
        if args.counts:
            try:
                text = args.counts.read_text(encoding="utf-8")
            except OSError as exc:
                print(f"--counts: cannot read {args.counts}: {exc.strerror}", file=sys.stderr)
                return 2
            table = tables.from_csv(text)
            out = estimate.estimate(table, seed=args.seed)
        elif args.country and args.period:
            from ulinzi.accounts.access import Actor
            from ulinzi.accounts.models import Organisation
            from ulinzi.accounts.roles import Role

            # The command line runs with the rights of every organisation.
            everyone = Actor(
                user=None,
                roles_by_org={
                    pk: frozenset({Role.ANALYST.value})
                    for pk in Organisation.objects.values_list("pk", flat=True)
                },
            )
            start, end = linked.period(args.period)
            stratum = linked.Stratum(args.country.upper(), start, end, args.domain, args.admin1)
            table = linked.table_for(everyone, stratum)
            out = {"stratum": stratum.label(), **estimate.estimate(table, seed=args.seed)}
        else:
            print("give --counts FILE.csv, or --country and --period", file=sys.stderr)
            return 2
    except InvalidInput as exc:
        print(f"invalid input: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0
