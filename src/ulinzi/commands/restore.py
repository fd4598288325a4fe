"""``ulinzi restore FILE``: check the whole archive, then restore it into this instance's
data directory and database, which must be fresh (no key file, no tables)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "restore an archive of ulinzi backup into a fresh data dir and an empty database"


def configure(parser: argparse.ArgumentParser) -> None:
    from ulinzi.commands.backup import add_secret_options

    parser.add_argument("archive", type=Path)
    add_secret_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ulinzi.commands.backup import secret_from
    from ulinzi.ops import backup, dumps, sealed

    try:
        secret = secret_from(args, confirm=False)
        with args.archive.open("rb") as source:
            size = backup.verify(source, secret)
        print(f"{args.archive}: every record checked ({size:,} bytes inside)")
        with args.archive.open("rb") as source:
            done = backup.restore(source, secret)
    except (OSError, ValueError, sealed.BadArchive, backup.RestoreRefused) as exc:
        print(f"ulinzi restore: {exc}", file=sys.stderr)
        return 1
    except dumps.DumpFailed as exc:
        print(f"ulinzi restore: {exc}", file=sys.stderr)
        return 1
    print(
        f"restored the {done['engine']} database of {done['created']}, the key file and "
        f"{done['restored_files']} file(s)"
    )
    if not done["secret_key_kept"]:
        print(
            "ULINZI_SECRET_KEY differs from the archived instance's: signed-in sessions, "
            "acknowledgement links and anonymous receipts made before will not verify",
            file=sys.stderr,
        )
    print("next: ulinzi manage migrate (if this release is newer), then start the services")
    return 0
