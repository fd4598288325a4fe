"""``ulinzi alerts tick``: the periodic alert and deconfliction check, once.

The worker runs the same check by itself every ``ULINZI_ALERT_TICK_SECONDS``; this
command is for cron or for a deployment without a worker.
"""

from __future__ import annotations

import argparse

HELP = "alert and deconfliction housekeeping (escalations, reminders, stalled sends)"


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="alerts_command", required=True)
    tick = sub.add_parser("tick", help="escalate, remind, and re-queue stalled deliveries once")
    tick.set_defaults(handler=run_tick)


def run_tick(args: argparse.Namespace) -> int:
    from ulinzi.alerts.tick import tick

    report = tick()
    print(", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in report.items()))
    return 0
