"""Nothing a person told us is stored in clear: a marker put into every free-text input
(tests/at_rest_scenario.py) is found nowhere in the SQLite database file and its -wal
file, in a pg_dump of the PostgreSQL database, or in the files under the data directory
(staged uploads, rejects CSVs, stored exports), while the application reads it back."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

SCENARIO = Path(__file__).with_name("at_rest_scenario.py")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the PostgreSQL scan must run)")
    pytest.skip(reason)


class Database:
    """A throwaway database of the suite's kind for the scenario's process."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.url: str | None = None
        self.name = f"ulz_atrest_{os.getpid()}"
        if connection.vendor == "postgresql":
            base = connection.settings_dict
            secret = f":{quote(base['PASSWORD'], safe='')}" if base["PASSWORD"] else ""
            self.host, self.port = base["HOST"] or "127.0.0.1", str(base["PORT"] or 5432)
            self.user, self.password = base["USER"], base["PASSWORD"] or ""
            self.url = f"postgres://{self.user}{secret}@{self.host}:{self.port}/{self.name}"
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"', f'CREATE DATABASE "{self.name}"')

    def _admin(self, *sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host=self.host, port=self.port, user=self.user, password=self.password or None,
            dbname="postgres", autocommit=True,
        ) as admin:  # fmt: skip
            for statement in sql:
                admin.execute(statement)

    def drop(self) -> None:
        if self.url:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def dump(self) -> bytes:
        """The whole database as ``pg_dump`` writes it (what a backup holds)."""
        done = subprocess.run(
            ["pg_dump", "--no-owner", "-h", self.host, "-p", self.port, "-U", self.user, self.name],
            env={**os.environ, "PGPASSWORD": self.password},
            capture_output=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout


@pytest.fixture
def database(tmp_path: Path, django_db_blocker: object) -> Iterator[Database]:
    if connection.vendor == "postgresql" and shutil.which("pg_dump") is None:
        _unavailable("pg_dump is not installed (Debian package postgresql-client)")
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        db = Database(tmp_path / "var")
    yield db
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        db.drop()


def _hits(content: bytes, markers: list[bytes]) -> list[bytes]:
    lowered = content.lower()
    return [m for m in markers if m.lower() in lowered]


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_no_marker_anywhere_at_rest(database: Database, tmp_path: Path) -> None:
    marker = f"zqmark{secrets.token_hex(6)}"
    exported = f"zqprov{secrets.token_hex(6)}"
    outside = tmp_path / "outside"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ULINZI_KEYS_FILE")}
    env.update(
        ULINZI_DATA_DIR=str(database.data_dir),
        ULINZI_MARKER=marker,
        ULINZI_EXPORTED=exported,
        ULINZI_OUTSIDE=str(outside),
    )
    if database.url:
        env["DATABASE_URL"] = database.url
    proc = subprocess.Popen(
        [sys.executable, str(SCENARIO)],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdin is not None
        line = proc.stdout.readline()
        if line.strip() != "READY":
            proc.wait(timeout=60)
            pytest.fail(f"the scenario stopped: {line}{proc.stdout.read()}{proc.stderr.read()}")
        found: dict[str, list[bytes]] = {}
        everything = [marker.encode()]
        sqlite = database.data_dir / "ulinzi.sqlite3"
        if database.url is None:
            assert sqlite.exists() and Path(f"{sqlite}-wal").exists()
        else:
            found["pg_dump"] = _hits(database.dump(), everything)
        kept = _files(database.data_dir)
        names = {p.relative_to(database.data_dir).as_posix() for p in kept}
        # What the scan must have seen: a staged upload, the rejects CSVs, two exports.
        assert any(n.startswith("imports/uploads/") and "/file/" in n for n in names), names
        assert sum(n.endswith("-rejects.csv") for n in names) == 3, names
        assert sum(n.startswith("exports/") for n in names) == 4, names
        for path in kept:  # the database files, uploads, rejects, exports, keys …
            in_exports = path.parent.name == "exports"
            markers = [*everything, exported.encode()] if in_exports else everything
            found[path.relative_to(database.data_dir).as_posix()] = _hits(
                path.read_bytes(), markers
            )
        proc.stdin.write("done\n")
        proc.stdin.flush()
        assert proc.wait(timeout=120) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if database.url is None:  # after the last connection closed (the WAL folded in)
        found["ulinzi.sqlite3 (closed)"] = _hits(sqlite.read_bytes(), [marker.encode()])
    assert {name: hits for name, hits in found.items() if hits} == {}
