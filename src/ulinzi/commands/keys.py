"""``ulinzi keys rotate``: new key first, re-encrypt every sensitive value, retire old keys.

Old keys stay readable until every row is re-encrypted, so the service keeps running.
"""

from __future__ import annotations

import argparse

HELP = "manage the envelope keys of sensitive fields"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=["rotate", "retire"],
        help="rotate: add a new key and re-encrypt every value (old keys still decrypt); "
        "retire: re-encrypt anything still under an old key, then drop old keys",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ulinzi.common import keyrotation

    counts = keyrotation.rotate() if args.action == "rotate" else keyrotation.retire()
    for label, n in counts.items():
        print(f"re-encrypted {n} value(s) of {label}")
    return 0
