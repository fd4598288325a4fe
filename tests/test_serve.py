"""``ulinzi serve`` holds against idle connections: a real server process on loopback, one
client opening many connections that send nothing (or half a request), and the health
endpoint must still answer at once; idle connections are closed after the timeout."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ULINZI = str(Path(sys.executable).with_name("ulinzi"))
IDLE = 150  # more than waitress's default connection limit (100)
TIMEOUT = 2  # --channel-timeout for this server


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(ULINZI_DATA_DIR=str(tmp_path_factory.mktemp("serve")), ULINZI_LOG_LEVEL="WARNING")
    process = subprocess.Popen(
        [ULINZI, "serve", "--port", "0", "--threads", "2", "--channel-timeout", str(TIMEOUT)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # "Ulinzi is serving on http://127.0.0.1:PORT/"
        assert "serving on http://127.0.0.1:" in line, line
        number = int(line.rsplit(":", 1)[1].strip(" /\n"))
        assert _health(number, 60)[0] == 200  # the first loads the URL map: not timed
        yield number
    finally:
        process.terminate()
        process.wait(10)


def _health(port: int, timeout: float = 8) -> tuple[int, float]:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/api/v1/health")
        status = conn.getresponse().status
    finally:
        conn.close()
    return status, time.monotonic() - started


def test_idle_connections_from_one_client_do_not_stop_the_server(port: int) -> None:
    idle: list[socket.socket] = []
    try:
        for i in range(IDLE):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            if i % 2:  # half of them start a request and never finish it
                sock.sendall(b"POST /api/v1/reports/anonymous HTTP/1.1\r\nHost: x\r\n")
            idle.append(sock)
        for _ in range(3):
            status, seconds = _health(port)
            assert status == 200
            assert seconds < 4, f"health took {seconds:.1f} s with {IDLE} idle connections"
    finally:
        for sock in idle:
            sock.close()


def test_an_idle_connection_is_closed_after_the_timeout(port: int) -> None:
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT + 6)
    started = time.monotonic()
    try:
        assert sock.recv(1) == b""  # the server closed it
    except TimeoutError:
        pytest.fail(f"an idle connection was still open after {TIMEOUT + 6} s")
    finally:
        sock.close()
    assert time.monotonic() - started >= TIMEOUT - 0.5


def test_a_body_over_the_upload_limit_is_refused_before_it_is_read(port: int) -> None:
    """waitress answers 413 from the headers alone (ULINZI_UPLOAD_MAX_BYTES, 256 MiB)
    instead of buffering the body for Django to refuse."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=8)
    try:
        conn.putrequest("POST", "/api/v1/incidents")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(300 * 1024 * 1024))
        conn.endheaders()  # and no body at all
        assert conn.getresponse().status == 413
    finally:
        conn.close()
