"""The production server (waitress) writes no access log and names no client address in
its own log lines; Django's loggers only ever see the stripped request."""

from __future__ import annotations

import http.client
import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from waitress import wasyncore

from ulinzi.commands import server as waitress_server
from ulinzi.commands.serve import server_options
from ulinzi.intake.anonymous.tests.test_privacy import AGENT, FORWARDED, REFERRER


@pytest.fixture
def server() -> Iterator[int]:
    from ulinzi.wsgi import application

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["PATH_INFO"] == "/anonymous/boom":
            raise RuntimeError("an error inside the application")
        return application(environ, start_response)

    srv: Any = waitress_server.create(app, host="127.0.0.1", port=0, **server_options(threads=2))
    stop = threading.Event()

    def serve() -> None:  # the server's own loop, stoppable between turns
        while not stop.is_set():
            wasyncore.loop(timeout=0.05, map=srv._map, count=1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(srv.effective_port)
    stop.set()
    thread.join(5)
    srv.task_dispatcher.shutdown()
    wasyncore.close_all(srv._map)


def test_waitress_and_django_log_no_client_address(
    server: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    headers = {
        "User-Agent": AGENT,
        "Referer": REFERRER,
        "X-Forwarded-For": FORWARDED,
        "Content-Type": "application/json",
    }
    statuses = []
    for method, path, body in (
        ("POST", "/api/v1/reports/anonymous", {"category": "seah"}),  # 422, no database
        ("GET", "/api/v1/reports/anonymous/status", None),  # 405
        ("GET", "/anonymous/nowhere", None),  # 404
        ("GET", "/anonymous/boom", None),  # 500 from waitress itself
    ):
        conn = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
        conn.request(method, path, json.dumps(body) if body else None, headers)
        statuses.append(conn.getresponse().status)
        conn.close()
    assert statuses == [422, 405, 404, 500]
    text = caplog.text + "".join(repr(r.__dict__) for r in caplog.records)
    assert "Exception while serving /anonymous/boom" in text  # waitress's log was captured
    assert "Not Found: /anonymous/nowhere" in text  # and Django's
    for secret in ("127.0.0.1", FORWARDED, AGENT, REFERRER):
        assert secret not in text, secret
