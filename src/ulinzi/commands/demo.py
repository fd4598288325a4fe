"""``ulinzi demo``: migrate, load the demo data, print the users, and run the web server
and the background worker together until stopped (Ctrl-C or SIGTERM stops both)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

HELP = "set up the demo (database, real data, users) and run it (web server and worker)"
FILE_EMAIL = "django.core.mail.backends.filebased.EmailBackend"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--no-serve", action="store_true", help="load only, do not serve")
    parser.add_argument(
        "--real-data",
        action=argparse.BooleanOptionalAction,
        default=os.environ.get("ULINZI_DEMO_REAL_DATA", "1") != "0",
        help="load the two public datasets (default; ULINZI_DEMO_REAL_DATA=0 leaves them out)",
    )
    parser.set_defaults(handler=run)


def child_environment(url: str) -> dict[str, str]:
    """The environment of the demo's web server and worker: this one, with email written
    to files in the data directory unless another email backend is configured."""
    from django.conf import settings

    env = dict(os.environ)
    env["ULINZI_DATA_DIR"] = str(settings.DATA_DIR)
    env.setdefault("ULINZI_EMAIL_BACKEND", FILE_EMAIL)
    env.setdefault("ULINZI_EMAIL_FILE_PATH", str(settings.EMAIL_FILE_PATH))
    env.setdefault("ULINZI_SITE_URL", url.rstrip("/"))
    return env


def run(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command

    from ulinzi.demo import load, organisations
    from ulinzi.worker.supervisor import Child, Supervisor, ulinzi_command

    print(f"database: {settings.DATABASES['default']['NAME']}", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    load.load(lambda line: print(line, flush=True), real_data=args.real_data)
    password = organisations.demo_password()
    print(f"\nDemo users (password for all: {password}):")
    for username, org, role in organisations.user_table():
        print(f"  {username:<20} {org:<10} {role}")
    url = f"http://{args.host}:{args.port}/"
    env = child_environment(url)
    if env["ULINZI_EMAIL_BACKEND"] == FILE_EMAIL:
        mailbox = Path(env["ULINZI_EMAIL_FILE_PATH"])
        mailbox.mkdir(mode=0o700, parents=True, exist_ok=True)
        print(
            f"\nEmail leaves nothing on the network: each message (alert emails to monitor, "
            f"coordinator, monitor2, coordinator2) is written to a file in {mailbox}/"
        )
    print(f"\nUlinzi demo: {url}  (sign in as coordinator / {password})\n", flush=True)
    if args.no_serve:
        return 0
    web = Child(
        "web server", ulinzi_command("serve", "--host", args.host, "--port", str(args.port))
    )
    worker = Child(
        "worker",
        ulinzi_command("worker"),
        restart=True,
        note="Imports, alert emails and linkage runs wait until a worker runs "
        "(by hand: ulinzi worker).",
    )
    from django.db import connections

    connections.close_all()  # the children have their own
    print("Running the web server and the background worker; Ctrl-C stops both.", flush=True)
    return Supervisor([web, worker], env=env).run()
