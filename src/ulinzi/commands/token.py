"""``ulinzi token USERNAME``: create an API token and print it once."""

from __future__ import annotations

import argparse
import sys

HELP = "create an API token for a user (printed once)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("username")
    parser.add_argument("--name", default="cli")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ulinzi.accounts.models import User
    from ulinzi.accounts.services import create_token

    user = User.objects.filter(username=args.username, is_active=True).first()
    if user is None:
        print(f"ulinzi token: no active user named {args.username!r}", file=sys.stderr)
        return 2
    print(create_token(user=user, name=args.name))
    return 0
