"""The real ``ulinzi demo`` runs a worker beside the web server and leaves nothing behind.

The demo (without the two public datasets: ``ULINZI_DEMO_REAL_DATA=0``) runs as a
subprocess on a free loopback port with a data directory of its own. An alert raised
through the API is emailed by the worker the demo started, into the demo's mailbox; a
killed worker is announced and started again; SIGTERM to the demo stops the web server
and the worker; and a supervisor killed outright (SIGKILL) leaves no worker running.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

ULINZI = str(Path(sys.executable).with_name("ulinzi"))

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the demo runs on SQLite by design; its supervisor is tested in the SQLite run",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(what: str, check: Callable[[], Any], timeout: float = 120) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to read its exit counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def _started(log: Path, name: str) -> list[int]:
    return [int(p) for p in re.findall(rf"^{name} started \(pid (\d+)\)", log.read_text(), re.M)]


def _api(base: str, token: str, method: str, path: str, body: Any = None) -> Any:
    request = urllib.request.Request(
        base + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # loopback only
        return json.loads(answer.read())


@pytest.fixture
def demo_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "ULINZI_EMAIL_BACKEND"):
        env.pop(name, None)
    env.update(
        ULINZI_DATA_DIR=str(tmp_path / "var"),
        ULINZI_DEMO_REAL_DATA="0",
        ULINZI_WORKER_HEARTBEAT_SECONDS="1",
    )
    yield env


def test_the_demo_runs_a_worker_and_leaves_nothing_behind(
    demo_env: dict[str, str], tmp_path: Path
) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "demo.log"
    mailbox = tmp_path / "var" / "mail"
    children: list[int] = []
    began = time.monotonic()
    with log.open("wb") as out:
        demo = subprocess.Popen(
            [ULINZI, "demo", "--port", str(port)], env=demo_env, stdout=out, stderr=out
        )
    try:
        web = _wait("the web server", lambda: _started(log, "web server"))[0]
        worker = _wait("the worker", lambda: _started(log, "worker"))[0]
        children += [web, worker]
        assert f"{mailbox}/" in log.read_text()  # the demo says where its email goes
        _wait("the web server to answer", lambda: _answers(base + "/api/v1/openapi.json"))
        print(f"demo up after {time.monotonic() - began:.1f} s")

        token = subprocess.run(
            [ULINZI, "token", "monitor"], env=demo_env, capture_output=True, text=True, check=True
        ).stdout.strip()
        expires = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
        alert = _api(
            base, token, "POST", "/api/v1/alerts",
            {"title": "Checkpoint closed on the road to the district hospital",
             "threatened": "Patients and staff travelling to the hospital",
             "severity": "warning", "domains": ["protection"], "pcodes": ["UA-80"],
             "expires_at": expires},
        )  # fmt: skip

        def emails_sent() -> bool:
            board = _api(base, token, "GET", f"/api/v1/alerts/{alert['id']}/deliveries")
            states = [d["state"] for r in board for d in r["deliveries"] if d["channel"] == "email"]
            return bool(states) and set(states) == {"sent"}

        _wait("the worker to send the alert's email", emails_sent, timeout=60)
        mails = "".join(p.read_text() for p in mailbox.iterdir())
        assert "Checkpoint closed on the road to the district hospital" in mails
        assert "To: monitor@cluster.example.org" in mails
        assert f"{base}/alerts/ack/" in mails  # links point at this demo's address
        print(f"alert emailed after {time.monotonic() - began:.1f} s")

        os.kill(worker, signal.SIGKILL)
        _wait("the worker to be started again", lambda: len(_started(log, "worker")) == 2, 30)
        assert "The worker stopped unexpectedly (killed by SIGKILL)" in log.read_text()
        worker = _started(log, "worker")[1]
        children.append(worker)

        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=30) == 0
        assert not _alive(web) and not _alive(worker), log.read_text()[-2000:]
        print(f"demo stopped after {time.monotonic() - began:.1f} s")

        # A supervisor killed outright: its worker notices and stops by itself.
        script = (
            "import os, sys\n"
            "from ulinzi.worker.supervisor import Child, Supervisor, ulinzi_command\n"
            "sys.exit(Supervisor([Child('worker', ulinzi_command('worker'), restart=True)],"
            " env=dict(os.environ)).run())\n"
        )
        second = tmp_path / "second.log"
        with second.open("wb") as out:
            parent = subprocess.Popen(
                [sys.executable, "-c", script], env=demo_env, stdout=out, stderr=out
            )
        lone = _wait("a second worker", lambda: _started(second, "worker"))[0]
        children.append(lone)
        _wait("it to run", lambda: "Starting worker" in second.read_text())
        parent.kill()
        parent.wait()
        _wait("the orphaned worker to stop", lambda: not _alive(lone), timeout=15)
        print(f"all checks done after {time.monotonic() - began:.1f} s")
    finally:
        for pid in [demo.pid, *children]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        demo.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False
