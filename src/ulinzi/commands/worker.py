"""``ulinzi worker``: run background tasks (alert delivery, imports, linkage, exports)."""

from __future__ import annotations

import argparse

HELP = "run the background task worker"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--queue", default="default")
    parser.add_argument("--batch", action="store_true", help="run queued tasks, then stop")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.utils.crypto import get_random_string

    from ulinzi.alerts.tasks import schedule_tick
    from ulinzi.worker import heartbeat, supervisor

    supervisor.exit_with_parent()
    worker_id = get_random_string(32)
    options = {"queue_name": args.queue, "worker_id": worker_id}
    if args.batch:
        options["batch"] = True
    with heartbeat.beating(worker_id):
        schedule_tick()  # the periodic alert/deconfliction check re-enqueues itself from here on
        call_command("db_worker", **options)
    return 0
