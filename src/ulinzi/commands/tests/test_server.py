"""The server ``ulinzi serve`` runs: a health check is answered ahead of the requests
queued before it, and one turn of the event loop accepts every waiting connection
(never past the connection limit). Real sockets on loopback, a small WSGI app."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from waitress import wasyncore

from ulinzi.commands import server as waitress_server
from ulinzi.commands.serve import server_options

pytestmark = pytest.mark.django_db  # server_options reads the settings


class App:
    """``/slow`` waits until released; ``/api/v1/health`` answers at once. Records the
    order in which requests finished."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.finished: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
        path = environ["PATH_INFO"]
        if path == "/slow":
            self.release.wait(10)
        with self.lock:
            self.finished.append(path)
        start("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]


def _running(srv: Any) -> Iterator[int]:
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            wasyncore.loop(timeout=0.05, map=srv._map, count=1)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield int(srv.effective_port)
    finally:
        stop.set()
        thread.join(5)
        srv.task_dispatcher.shutdown()
        wasyncore.close_all(srv._map)


def _get(port: int, path: str, answers: list[int]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    conn.request("GET", path)
    answers.append(conn.getresponse().status)
    conn.close()


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_health_is_answered_ahead_of_the_queue() -> None:
    app = App()
    options = server_options(threads=1)
    srv = waitress_server.create(app, host="127.0.0.1", port=0, **options)
    for port in _running(srv):
        answers: list[int] = []
        clients = [threading.Thread(target=_get, args=(port, "/slow", answers))]
        clients[0].start()  # holds the only request thread
        _until(lambda: not srv.task_dispatcher.queue and srv.task_dispatcher.active_count)
        for _ in range(3):  # queued behind it
            clients.append(threading.Thread(target=_get, args=(port, "/slow", answers)))
            clients[-1].start()
        _until(lambda: len(srv.task_dispatcher.queue) == 3)
        clients.append(threading.Thread(target=_get, args=(port, "/api/v1/health", answers)))
        clients[-1].start()
        _until(lambda: len(srv.task_dispatcher.queue) == 4)
        app.release.set()
        for client in clients:
            client.join(15)
        assert answers == [200] * 5
        # the first slow request was running; health came next, before the 3 queued
        assert app.finished == ["/slow", "/api/v1/health", "/slow", "/slow", "/slow"]


def test_one_turn_accepts_every_waiting_connection_up_to_the_limit() -> None:
    app = App()
    srv = waitress_server.create(app, host="127.0.0.1", port=0, **server_options(threads=1))
    port = int(srv.effective_port)
    base = len(srv._map)  # the listening socket and the trigger
    clients = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(5)]
    try:
        time.sleep(0.1)  # the handshakes complete in the kernel's backlog
        srv.handle_accept()  # one turn
        assert len(srv._map) - base == 5
        srv.adj.connection_limit = len(srv._map) + 2
        more = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(4)]
        clients += more
        time.sleep(0.1)
        srv.handle_accept()
        assert len(srv._map) == srv.adj.connection_limit  # 2 more, the others wait
    finally:
        for c in clients:
            c.close()
        srv.task_dispatcher.shutdown()
        wasyncore.close_all(srv._map)
