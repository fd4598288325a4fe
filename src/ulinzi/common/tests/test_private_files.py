"""The data directory is 0700, the SQLite database and its -wal/-shm files 0600, whatever
the umask: checked on a real ``ulinzi serve`` and on files an older version left looser."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ulinzi.common.sqlite.base import make_private

# Opens the database, writes, and reports the modes while the connection is open.
PROBE = """
import json, os
from django.db import connection
with connection.cursor() as c:
    c.execute("CREATE TABLE IF NOT EXISTS probe (x)")
    c.execute("INSERT INTO probe VALUES (1)")
folder = os.environ["ULINZI_DATA_DIR"]
print(json.dumps({n: os.stat(os.path.join(folder, n)).st_mode & 0o777
                  for n in sorted(os.listdir(folder)) if not n.startswith("static")}))
"""


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ULINZI_KEYS_FILE")}
    env["ULINZI_DATA_DIR"] = str(data_dir)
    return env


def _loose_umask() -> None:
    os.umask(0o022)


def _probe(data_dir: Path) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-m", "ulinzi.cli", "manage", "shell", "-c", PROBE],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_loose_umask,  # the umask is what is under test
        check=False,
    )
    assert done.returncode == 0, done.stderr
    modes: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return modes


def test_a_new_data_dir_and_database_are_private_despite_a_loose_umask(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    modes = _probe(data_dir)
    assert _mode(data_dir) == 0o700
    for name in ("ulinzi.sqlite3", "ulinzi.sqlite3-wal", "ulinzi.sqlite3-shm", "secret_key"):
        assert modes.get(name) == 0o600, (name, {k: oct(v) for k, v in modes.items()})
    assert _mode(data_dir / "ulinzi.sqlite3") == 0o600


def test_files_an_older_version_left_loose_are_tightened(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    database = data_dir / "ulinzi.sqlite3"
    old = os.umask(0o022)
    try:
        # A process of an older version, still running: its files are 0644.
        held = sqlite3.connect(database)
        held.execute("PRAGMA journal_mode=WAL")
        held.execute("CREATE TABLE old (x)")
        held.commit()
    finally:
        os.umask(old)
    try:
        loose = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
        assert [_mode(p) for p in loose] == [0o644] * 3
        modes = _probe(data_dir)
        assert [_mode(p) for p in loose] == [0o600] * 3
    finally:
        held.close()
    assert _mode(data_dir) == 0o700
    assert modes["ulinzi.sqlite3"] == modes["ulinzi.sqlite3-wal"] == 0o600


def test_make_private_creates_an_empty_database_readable_by_its_owner_only(
    tmp_path: Path,
) -> None:
    old = os.umask(0o022)
    try:
        make_private(tmp_path / "new.sqlite3")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "new.sqlite3") == 0o600
    with sqlite3.connect(tmp_path / "new.sqlite3") as db:  # a valid (empty) database
        assert db.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Path]:
    """``ulinzi serve`` on a fresh data directory, started with umask 022."""
    data_dir = tmp_path / "served"
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ulinzi.cli", "serve", "--port", str(port)],
        env=_env(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=_loose_umask,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(  # loopback only
                    f"http://127.0.0.1:{port}/api/v1/health", timeout=5
                ) as response:
                    assert response.status == 200
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield data_dir
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_ulinzi_serve_keeps_its_database_private(served: Path) -> None:
    assert _mode(served) == 0o700
    files = sorted(p.name for p in served.iterdir() if p.name.startswith("ulinzi.sqlite3"))
    assert "ulinzi.sqlite3" in files
    for name in files:
        assert _mode(served / name) == 0o600, name
