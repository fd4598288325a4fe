"""``ulinzi facts check|rebuild``: compare the incidents' counting copy with the
incidents, or rewrite it."""

from __future__ import annotations

import argparse
import sys

HELP = "check or rebuild the incidents' counting copy used by the dashboard"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("check", "rebuild"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from django.db import transaction

    from ulinzi.incidents import facts

    if args.action == "rebuild":
        with transaction.atomic():
            done = facts.rebuild()
        print(f"rebuilt the counting copy of {done:,} incidents")
        return 0
    problems = facts.differences()
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print("the counting copy differs: run `ulinzi facts rebuild`", file=sys.stderr)
        return 1
    print("the counting copy matches the incidents")
    return 0
