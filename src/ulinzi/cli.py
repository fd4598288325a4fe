"""The ``ulinzi`` command: one entry point for running, loading and maintaining Ulinzi."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

Handler = Callable[[argparse.Namespace], int]


def _setup_django() -> None:
    """Load the settings; a setting that cannot be read stops here with its message."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ulinzi.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        print(f"ulinzi: configuration: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def build_parser() -> argparse.ArgumentParser:
    from ulinzi.commands import register_all

    parser = argparse.ArgumentParser(prog="ulinzi", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_text, configure) in register_all().items():
        configure(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "manage":
        _setup_django()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["ulinzi manage", *argv[1:]])
        return 0
    _setup_django()
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
