"""``ulinzi anonymous``: which organisations receive anonymous reports.

``receiver ORG`` flags an organisation that receives whatever no route sends elsewhere;
``route ORG [--category C] [--country ISO3]`` sends a category and/or country to one;
``show`` prints the routing in force.
"""

from __future__ import annotations

import argparse
import sys

HELP = "configure which organisations receive anonymous reports"


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    receiver = sub.add_parser("receiver", help="flag an organisation as a receiver")
    receiver.add_argument("organisation", help="organisation code")
    route = sub.add_parser("route", help="send a category and/or country to an organisation")
    route.add_argument("organisation", help="organisation code")
    route.add_argument("--category", default="", help="seah, health_care_attack or protection")
    route.add_argument("--country", default="", help="ISO 3166 alpha-3")
    sub.add_parser("show", help="print the routing in force")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ulinzi.common.problems import InvalidInput
    from ulinzi.intake.anonymous import routing

    try:
        if args.action == "receiver":
            routing.add_receiver(organisation=args.organisation)
        elif args.action == "route":
            routing.set_route(
                organisation=args.organisation, category=args.category, country=args.country
            )
    except InvalidInput as exc:
        print(f"ulinzi anonymous: {exc}", file=sys.stderr)
        return 2
    for line in routing.describe() or ["no receiver: reports wait unassigned"]:
        print(line)
    return 0
