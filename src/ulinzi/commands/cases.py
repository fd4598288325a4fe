"""``ulinzi cases tick``: notify overdue referrals and complaint stages (run from cron,
e.g. every 15 minutes; each overdue item is notified once)."""

from __future__ import annotations

import argparse

HELP = "cases: notify overdue referrals and SEAH complaint stages"


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    tick = sub.add_parser("tick", help="notify each overdue referral and complaint stage once")
    tick.set_defaults(handler=run_tick)


def run_tick(args: argparse.Namespace) -> int:
    from ulinzi.cases.tick import tick

    for name, count in tick().items():
        print(f"{name}: {count}")
    return 0
