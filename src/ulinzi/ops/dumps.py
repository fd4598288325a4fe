"""The database as a byte stream and back, for each engine.

SQLite: the online backup API copies a consistent snapshot (writers may go on) into a
file beside the database, which is then read out and removed. PostgreSQL: ``pg_dump
--format=custom`` (one consistent snapshot, compressed) read from its pipe, and
``pg_restore --single-transaction`` fed from one. Neither keeps a whole dump in memory.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

READ = 1024 * 1024


class DumpFailed(RuntimeError):
    """The database could not be dumped or restored; the message says why."""


def engine() -> str:
    """``sqlite`` or ``postgresql``: the kind of dump this instance makes and takes."""
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise DumpFailed(f"no backup for the {vendor} database engine")
    return vendor


def _sqlite_path() -> Path:
    return Path(str(settings.DATABASES["default"]["NAME"]))


def _pg_env() -> dict[str, str]:
    db: Any = settings.DATABASES["default"]
    env = dict(os.environ)
    for name, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if db.get(key):
            env[name] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    env["PGDATABASE"] = str(db["NAME"])
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise DumpFailed(f"{name} is not installed (Debian: apt install postgresql-client)")
    return found


def dump() -> Iterator[bytes]:
    """The database, in chunks."""
    if engine() == "sqlite":
        yield from _dump_sqlite()
    else:
        yield from _dump_postgresql()


def _dump_sqlite() -> Iterator[bytes]:
    source = _sqlite_path()
    copy = source.with_name(f".backup-{secrets.token_hex(8)}.sqlite3")
    fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        with sqlite3.connect(source) as src, sqlite3.connect(copy) as dst:
            src.backup(dst, pages=4096)
        src.close()
        dst.close()
        with copy.open("rb") as fh:
            while chunk := fh.read(READ):
                yield chunk
    finally:
        copy.unlink(missing_ok=True)


def _dump_postgresql() -> Iterator[bytes]:
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
    with subprocess.Popen(  # noqa: S603 - pg_dump found on PATH, fixed arguments
        command, env=_pg_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        while chunk := process.stdout.read(READ):
            yield chunk
        error = process.stderr.read().decode(errors="replace").strip()
    if process.returncode != 0:
        raise DumpFailed(f"pg_dump failed: {error[-2000:]}")


def is_empty() -> bool:
    """Whether the configured database holds no tables (a restore needs a fresh one)."""
    with connection.cursor():
        return not connection.introspection.table_names()


def load(kind: str, chunks: Iterable[bytes]) -> None:
    """Restore a dump of ``kind`` into the configured, empty database."""
    if kind != engine():
        raise DumpFailed(
            f"the archive holds a {kind} database and this instance uses {engine()}: "
            "restore into the same engine (DATABASE_URL)"
        )
    if not is_empty():
        raise DumpFailed("the database is not empty: restore needs a fresh one")
    connection.close()
    if kind == "sqlite":
        _load_sqlite(chunks)
    else:
        _load_postgresql(chunks)


def _load_sqlite(chunks: Iterable[bytes]) -> None:
    target = _sqlite_path()
    partial = target.with_name(target.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
        fh.flush()
        os.fsync(fh.fileno())
    for suffix in ("-wal", "-shm"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    os.replace(partial, target)


def _load_postgresql(chunks: Iterable[bytes]) -> None:
    command = [
        _tool("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        "--dbname",
        _pg_env()["PGDATABASE"],
    ]
    with subprocess.Popen(  # noqa: S603 - pg_restore found on PATH, fixed arguments
        command,
        env=_pg_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdin is not None and process.stderr is not None
        try:
            for chunk in chunks:
                process.stdin.write(chunk)
            process.stdin.close()
        except BrokenPipeError:
            pass  # pg_restore stopped: its message says why
        error = process.stderr.read().decode(errors="replace").strip()
    if process.returncode != 0:
        raise DumpFailed(f"pg_restore failed: {error[-2000:]}")
