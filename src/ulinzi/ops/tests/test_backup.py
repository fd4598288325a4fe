"""``ulinzi backup`` and ``ulinzi restore`` on the suite's database engine, as real
processes: an instance with encrypted narratives, a case file and a stored upload is
backed up, restored into a fresh data dir and an empty database, and holds the same
records, which decrypt. A wrong passphrase, a changed archive and a target that is not
fresh are refused with a message and nothing written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ULINZI = str(Path(sys.executable).with_name("ulinzi"))
HELPERS = "ulinzi.ops.tests.backup_helpers"
PASSPHRASE = "a passphrase the operator keeps in the safe"


def _base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "ULINZI_"))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    env["ULINZI_LOG_LEVEL"] = "WARNING"
    return env


class Instances:
    """New instances: each a data dir and, on PostgreSQL, an empty database of its own."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.url = os.environ.get("DATABASE_URL", "")
        self.databases: list[str] = []

    def make(self, name: str) -> dict[str, str]:
        env = _base_env()
        env["ULINZI_DATA_DIR"] = str(self.root / name)
        if self.url.startswith("postgres"):
            import psycopg

            dbname = f"ulz_backup_{name}_{os.getpid()}"
            with psycopg.connect(self.url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
                conn.execute(f'CREATE DATABASE "{dbname}"')
            self.databases.append(dbname)
            env["DATABASE_URL"] = urlunsplit(urlsplit(self.url)._replace(path="/" + dbname))
        return env

    def drop(self) -> None:
        if self.databases:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as conn:
                for dbname in self.databases:
                    conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


@pytest.fixture(scope="module")
def instances(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instances]:
    made = Instances(tmp_path_factory.mktemp("instances"))
    yield made
    made.drop()


@pytest.fixture(scope="module")
def backed_up(instances: Instances) -> tuple[dict[str, str], Path, Path, dict[str, object]]:
    """(source environment, archive, passphrase file, the source's report)."""
    source = instances.make("source")
    _run(source, "manage", "migrate", "--verbosity", "0")
    _shell(source, "prepare")
    before = _shell(source, "report")
    secret = instances.root / "passphrase"
    secret.write_text(PASSPHRASE + "\n")
    archive = instances.root / "ulinzi.backup"
    made = _run(source, "backup", "--output", str(archive), "--passphrase-file", str(secret))
    assert "key file" in made.stdout
    return source, archive, secret, before


def _run(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [ULINZI, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if ok:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


def _shell(env: dict[str, str], function: str) -> dict[str, object]:
    code = f"from {HELPERS} import {function}; {function}()"
    out = _run(env, "manage", "shell", "-c", code).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def test_backup_then_restore_into_a_fresh_instance(
    instances: Instances, backed_up: tuple[dict[str, str], Path, Path, dict[str, object]]
) -> None:
    source, archive, secret, before = backed_up
    assert archive.stat().st_mode & 0o777 == 0o600
    raw = archive.read_bytes()
    assert b"the nurse was stopped" not in raw and b"enc:v1:" not in raw  # all sealed

    target = instances.make("target")
    restored = _run(target, "restore", str(archive), "--passphrase-file", str(secret))
    assert "every record checked" in restored.stdout
    after = _shell(target, "report")
    assert after == before
    assert after["stored_encrypted"] is True
    assert len(after["narratives"]) == 5  # type: ignore[arg-type]
    assert after["upload"] == "id,narrative\n1,an uploaded story\n"
    keys = Path(target["ULINZI_DATA_DIR"]) / "keys.json"
    assert keys.read_bytes() == (Path(source["ULINZI_DATA_DIR"]) / "keys.json").read_bytes()
    assert keys.stat().st_mode & 0o777 == 0o600

    # Restoring again over the restored instance is refused: it is not fresh.
    again = _run(target, "restore", str(archive), "--passphrase-file", str(secret), ok=False)
    assert again.returncode == 1
    assert "restore needs a fresh data dir" in again.stderr


def test_a_wrong_passphrase_or_a_changed_archive_restores_nothing(
    instances: Instances,
    backed_up: tuple[dict[str, str], Path, Path, dict[str, object]],
    tmp_path: Path,
) -> None:
    _source, archive, secret, _before = backed_up
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase at all")
    target = instances.make("refused")
    refused = _run(target, "restore", str(archive), "--passphrase-file", str(wrong), ok=False)
    assert refused.returncode == 1
    assert "wrong passphrase or key" in refused.stderr
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed = tmp_path / "changed.backup"
    changed.write_bytes(bytes(data))
    broken = _run(target, "restore", str(changed), "--passphrase-file", str(secret), ok=False)
    assert broken.returncode == 1
    assert "the archive was changed or damaged" in broken.stderr
    cut = tmp_path / "cut.backup"
    cut.write_bytes(archive.read_bytes()[:-100])
    short = _run(target, "restore", str(cut), "--passphrase-file", str(secret), ok=False)
    assert short.returncode == 1
    assert "cut short" in short.stderr
    assert not (Path(target["ULINZI_DATA_DIR"]) / "keys.json").exists()
