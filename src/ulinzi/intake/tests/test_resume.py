"""An import killed with SIGKILL halfway resumes from its checkpoint to the very state a
clean import reaches: same incidents, terms, history, rejects (real processes, real
databases of the kind the suite runs on)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

from .conftest import HXL_HEADER, hxl_rows

ROWS = 8_000
BATCH = 250
DUMP = (
    "SELECT i.source_id, i.domain, i.types, i.occurred_on, i.country, i.admin1_name, "
    "i.killed, i.injured, i.resources, i.status, i.raw_source, i.narrative, "
    "(SELECT COUNT(*) FROM incidents_incidentterm t WHERE t.incident_id = i.id), "
    "(SELECT COUNT(*) FROM incidents_incidentchange c WHERE c.incident_id = i.id) "
    "FROM incidents_incident i ORDER BY i.source_id"
)
REJECTS = "SELECT row, {col}, value, reason FROM intake_importreject ORDER BY row, id"


class Db:
    """A throwaway database of the suite's kind, reachable from subprocesses."""

    def __init__(self, tmp: Path, name: str) -> None:
        self.data_dir = tmp / name
        self.data_dir.mkdir()
        self.url: str | None = None
        self.name = f"ulz_resume_{os.getpid()}_{name}"
        if connection.vendor == "postgresql":
            base = connection.settings_dict
            secret = f":{quote(base['PASSWORD'], safe='')}" if base["PASSWORD"] else ""
            self.url = (
                f"postgres://{base['USER']}{secret}@{base['HOST'] or '127.0.0.1'}:"
                f"{base['PORT'] or 5432}/{self.name}"
            )
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"', f'CREATE DATABASE "{self.name}"')

    def _admin(self, *sql: str) -> None:
        import psycopg

        base = connection.settings_dict
        with psycopg.connect(
            host=base["HOST"] or "127.0.0.1",
            port=base["PORT"] or 5432,
            user=base["USER"],
            password=base["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as admin:
            for statement in sql:
                admin.execute(statement)

    def drop(self) -> None:
        if self.url:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def env(self, keys: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(ULINZI_DATA_DIR=str(self.data_dir), ULINZI_KEYS_FILE=str(keys))
        if self.url:
            env["DATABASE_URL"] = self.url
        return env

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.url is None:
            with sqlite3.connect(self.data_dir / "ulinzi.sqlite3", timeout=30) as db:
                return db.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.url) as db:
            return db.execute(sql).fetchall()


def _ulinzi(db: Db, keys: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ulinzi.cli", *args],
        env=db.env(keys),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _done(proc: subprocess.Popen[str]) -> str:
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, out
    return out


def _prepare(db: Db, keys: Path) -> None:
    _done(_ulinzi(db, keys, "manage", "migrate", "-v0"))
    create = (
        "from ulinzi.accounts import services as a; "
        "a.ensure_organisation(code='partner', name='Partner', kind='ingo')"
    )
    _done(_ulinzi(db, keys, "manage", "shell", "-c", create))


def _import(db: Db, keys: Path, path: Path) -> subprocess.Popen[str]:
    return _ulinzi(
        db, keys, "import", str(path), "--org", "partner", "--batch-size", str(BATCH),
        "--no-progress", "--domain", "health_care_attack",
    )  # fmt: skip


def _state(db: Db, decrypt: Callable[[str], str]) -> tuple[list[Any], list[Any]]:
    def plain(value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value

    rows = []
    for row in db.query(DUMP):
        cells = [plain(c) for c in row]
        cells[3] = str(cells[3])
        cells[10] = json.loads(decrypt(cells[10])) if cells[10] else None
        cells[11] = decrypt(cells[11]) if cells[11] else ""
        rows.append(cells)
    column = '"column"'
    rejects = [
        (row, col, decrypt(value) if value else "", decrypt(reason))
        for row, col, value, reason in db.query(REJECTS.format(col=column))
    ]
    return rows, rejects


@pytest.fixture
def dbs(tmp_path: Path, django_db_blocker: Any) -> Iterator[tuple[Db, Db]]:
    with django_db_blocker.unblock():
        pair = (Db(tmp_path, "resumed"), Db(tmp_path, "clean"))
    yield pair
    with django_db_blocker.unblock():
        for db in pair:
            db.drop()


def test_kill_9_halfway_then_rerun_reaches_the_clean_state(
    dbs: tuple[Db, Db], tmp_path: Path, write_csv: Any, settings: Any
) -> None:
    resumed, clean = dbs
    keys = tmp_path / "keys.json"
    rows = hxl_rows(ROWS)
    rows[500][1] = "2023-02-31"  # rejected before the kill
    rows[-50][1] = "not a date"  # rejected after it
    rows[-10][0] = rows[300][0]  # a duplicate id whose first row comes before the kill
    path = write_csv("big.csv", [*HXL_HEADER, *rows])
    for db in dbs:
        _prepare(db, keys)

    proc = _import(resumed, keys, path)
    deadline = time.monotonic() + 300
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            found = resumed.query("SELECT rows_done FROM intake_importrun")
        except sqlite3.OperationalError:
            found = []
        done = found[0][0] if found else 0
        if done >= ROWS // 3:
            break
        time.sleep(0.01)
    assert proc.poll() is None, f"the import ended before it could be killed: {_done(proc)}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    ((status, rows_done, created),) = resumed.query(
        "SELECT status, rows_done, created FROM intake_importrun"
    )
    assert status == "running" and 0 < rows_done < ROWS
    assert resumed.query("SELECT COUNT(*) FROM incidents_incident")[0][0] == created

    out = _done(_import(resumed, keys, path))
    assert "resumed from its checkpoint" in out
    clean_out = _done(_import(clean, keys, path))
    summary = f"created {ROWS - 3:,}  updated 0  unchanged 0  rejected 3  blank 0"
    assert summary in out and summary in clean_out

    settings.ULINZI_KEYS_FILE = keys
    from ulinzi.common import crypto

    crypto.reset_cache()
    got, want = _state(resumed, crypto.decrypt), _state(clean, crypto.decrypt)
    assert len(got[0]) == ROWS - 3
    assert got == want
    assert all(r[12] >= 1 and r[13] == 1 for r in got[0])  # terms; exactly one history row
    assert [r[0] for r in got[1]] == [503, ROWS - 47, ROWS - 7]
