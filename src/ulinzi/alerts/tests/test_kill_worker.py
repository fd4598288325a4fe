"""``kill -9`` of a real ``ulinzi worker`` mid-fan-out loses no delivery and doubles none.

The worker runs as a subprocess on its own database (a SQLite file, or a fresh
PostgreSQL database when the suite runs on PostgreSQL) and sends webhooks to a slow
HTTP server on loopback, which records the idempotency keys it processes. Delivery is
at-least-once: a request that reached the receiver just before the kill, but whose
"sent" was not yet committed, is sent again with the same key, and the receiver
processes each key once. So: every endpoint processes exactly its one key, every
delivery ends "sent", and at most one request (the one in flight) is repeated.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from ulinzi.alerts.tests.servers import WebhookReceiver

ULINZI = str(Path(sys.executable).with_name("ulinzi"))
COUNT = 30


@pytest.fixture
def worker_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for subprocesses: a data dir and a database of their own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        ULINZI_DATA_DIR=str(tmp_path),
        ULINZI_ALERT_WEBHOOK_TIMEOUT="2",
        ULINZI_ALERT_LEASE_SECONDS="3",
        ULINZI_ALERT_TICK_SECONDS="1",
        ULINZI_ALERT_SEND_CHUNK="4",
        ULINZI_ALERT_RETRY_BASE_SECONDS="1",
        ULINZI_LOG_LEVEL="WARNING",
        ULINZI_WEBHOOK_ALLOW="127.0.0.0/8",  # the receivers are on loopback
    )
    url = os.environ.get("DATABASE_URL", "")
    dbname = ""
    if url.startswith("postgres"):
        import psycopg

        dbname = f"ulinzi_kill_{os.getpid()}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
            conn.execute(f'CREATE DATABASE "{dbname}"')
        parts = urlsplit(url)
        env["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + dbname))
    else:
        env.pop("DATABASE_URL", None)
    yield env
    if dbname:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [ULINZI, *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _shell(env: dict[str, str], code: str) -> Any:
    out = _run(env, "manage", "shell", "-c", code)
    return json.loads(out.strip().splitlines()[-1])


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [ULINZI, "worker"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_kill_9_mid_fan_out(worker_env: dict[str, str], tmp_path: Path) -> None:
    receiver = WebhookReceiver(delay=0.15).start()
    workers: list[subprocess.Popen[bytes]] = []
    log = tmp_path / "worker.log"
    try:
        made = _shell(
            worker_env,
            "from ulinzi.alerts.tests.kill_helpers import prepare; "
            f"prepare({receiver.url!r}, {COUNT})",
        )
        alert_id = made["alert"]
        workers.append(_start_worker(worker_env, log))
        assert _wait(lambda: len(receiver.requests) >= COUNT // 3, 60), log.read_text()[-3000:]
        os.kill(workers[0].pid, signal.SIGKILL)
        workers[0].wait(10)
        at_kill = len(receiver.requests)
        assert at_kill < COUNT, "the worker finished before it was killed"

        workers.append(_start_worker(worker_env, log))
        assert _wait(lambda: len(receiver.processed) == COUNT, 90), (
            f"{len(receiver.processed)} of {COUNT} endpoints reached",
            log.read_text()[-3000:],
        )

        report = f"from ulinzi.alerts.tests.kill_helpers import report; report({alert_id!r})"
        time.sleep(0.5)  # the last "sent" commits just after the last answer
        rows = _shell(worker_env, report)
        deadline = time.monotonic() + 30
        while any(r["state"] != "sent" for r in rows) and time.monotonic() < deadline:
            time.sleep(1)
            rows = _shell(worker_env, report)
    finally:
        for proc in workers:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(10)
        receiver.stop()

    assert len(rows) == COUNT
    expected = {"/" + r["path"]: [r["key"]] for r in rows}
    # Each endpoint processed exactly its own key, once.
    assert receiver.processed == expected
    assert all(r["state"] == "sent" for r in rows)
    # Only the request in flight at the kill may have been repeated (same key).
    repeats = len(receiver.requests) - COUNT
    assert 0 <= repeats <= 1, receiver.per_path()
    for request in receiver.requests:
        assert request.headers["Idempotency-Key"] in expected[request.path]
