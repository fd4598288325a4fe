"""``ulinzi keys rotate``: new key first, re-encrypt every sensitive value and every
encrypted file under the data directory, retire old keys. ``ulinzi keys decrypt FILE``:
print a file Ulinzi keeps encrypted (a rejects CSV, a stored export).

Old keys stay readable until every row is re-encrypted, so the service keeps running.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

HELP = "manage the envelope keys of sensitive fields and files; decrypt a kept file"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=["rotate", "retire", "decrypt"],
        help="rotate: add a new key and re-encrypt every value and file (old keys still "
        "decrypt); retire: re-encrypt anything still under an old key, then drop old keys; "
        "decrypt FILE: write the plaintext of a file Ulinzi keeps encrypted to stdout",
    )
    parser.add_argument("file", nargs="?", type=Path, help="the file to decrypt")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.action == "decrypt":
        return _decrypt(args.file)
    from ulinzi.common import keyrotation

    counts = keyrotation.rotate() if args.action == "rotate" else keyrotation.retire()
    files = counts.pop(keyrotation.FILES)
    unreadable = counts.pop(keyrotation.UNREADABLE_FILES)
    for label, n in counts.items():
        print(f"re-encrypted {n} value(s) of {label}")
    print(f"re-encrypted {files} file(s) under the data directory")
    if unreadable:
        print(f"{unreadable} encrypted file(s) no key opens were left as they are")
    return 0


def _decrypt(path: Path | None) -> int:
    from ulinzi.common import encrypted_files

    if path is None:
        print("ulinzi keys decrypt: name the file to decrypt", file=sys.stderr)
        return 2
    if not encrypted_files.is_encrypted(path):
        print(f"ulinzi keys decrypt: {path} is not a file Ulinzi encrypted", file=sys.stderr)
        return 1
    try:
        with encrypted_files.open_read(path) as plain:
            shutil.copyfileobj(plain, sys.stdout.buffer, encrypted_files.CHUNK)
    except encrypted_files.DamagedFile as exc:
        print(f"ulinzi keys decrypt: {exc}", file=sys.stderr)
        return 1
    return 0
