"""``ulinzi demo``: migrate, load the demo data, print the users, and serve."""

from __future__ import annotations

import argparse
import os

HELP = "set up the demo (database, real data, users) and serve it"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--no-serve", action="store_true", help="load only, do not serve")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command

    from ulinzi.demo import load, organisations

    print(f"database: {settings.DATABASES['default']['NAME']}", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    load.load(lambda line: print(line, flush=True))
    password = organisations.demo_password()
    print(f"\nDemo users (password for all: {password}):")
    for username, org, role in organisations.user_table():
        print(f"  {username:<20} {org:<10} {role}")
    url = f"http://{args.host}:{args.port}/"
    print(f"\nUlinzi demo: {url}  (sign in as coordinator / {password})\n", flush=True)
    if args.no_serve:
        return 0
    from ulinzi.commands import serve

    return serve.run(argparse.Namespace(host=args.host, port=args.port, threads=8))
