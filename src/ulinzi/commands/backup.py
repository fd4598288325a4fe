"""``ulinzi backup --output FILE``: one encrypted archive of the database, the key file,
the secret key and the files under the data directory (ulinzi/ops/backup.py), under a
passphrase (``--passphrase-file``, or asked twice) or a key file (``--key-file``;
``--new-key-file`` makes one)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ulinzi.ops.sealed import Secret

HELP = "write one encrypted archive of this instance (database, keys, stored files)"


def add_secret_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--passphrase-file", type=Path, help="the passphrase, on one line")
    group.add_argument("--key-file", type=Path, help="a key made with --new-key-file")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", "-o", type=Path, help="the archive to write")
    add_secret_options(parser)
    parser.add_argument(
        "--new-key-file", type=Path, metavar="PATH", help="make a new backup key file and stop"
    )
    parser.set_defaults(handler=run)


def secret_from(args: argparse.Namespace, *, confirm: bool) -> Secret:
    """The :class:`~ulinzi.ops.sealed.Secret` the options name (or the one typed in)."""
    from ulinzi.ops.sealed import Secret

    if args.key_file:
        return Secret.from_key_file(args.key_file)
    if args.passphrase_file:
        text = args.passphrase_file.read_text().rstrip("\n")
    elif sys.stdin.isatty():
        text = getpass.getpass("Backup passphrase: ")
        if confirm and getpass.getpass("Again: ") != text:
            raise ValueError("the two passphrases differ")
    else:
        raise ValueError("give --passphrase-file or --key-file (no terminal to ask on)")
    return Secret(passphrase=text)


def run(args: argparse.Namespace) -> int:
    from ulinzi.ops import backup, dumps, sealed

    if args.new_key_file:
        sealed.new_key_file(args.new_key_file)
        print(f"backup key written to {args.new_key_file}: keep a copy away from the backups")
        return 0
    if not args.output:
        print("ulinzi backup: give --output FILE", file=sys.stderr)
        return 2
    try:
        secret = secret_from(args, confirm=True)
    except (OSError, ValueError) as exc:
        print(f"ulinzi backup: {exc}", file=sys.stderr)
        return 2
    partial = args.output.with_name(args.output.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            manifest = backup.write(out, secret, skip=partial)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, args.output)
    except (dumps.DumpFailed, OSError) as exc:
        partial.unlink(missing_ok=True)
        print(f"ulinzi backup: {exc}", file=sys.stderr)
        return 1
    size = args.output.stat().st_size
    print(
        f"wrote {args.output} ({size:,} bytes): {manifest['engine']} database in "
        f"{manifest['database_parts']} part(s), {manifest['files']} file(s), key file"
    )
    return 0
