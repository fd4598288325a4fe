"""The waitress server ``ulinzi serve`` runs, with two changes to how it schedules work.

- **Every waiting connection is accepted at once.** waitress accepts one connection per
  turn of its event loop, and a turn walks every open connection; with a thousand idle
  ones (and their reconnections) a turn takes long enough under load that new clients
  wait in the listen queue for seconds. Here a turn accepts all that are waiting (up to
  :data:`ACCEPT_BATCH`, never past the connection limit).
- **Health checks go to the front of the request queue.** ``GET /api/v1/health`` (one
  ``SELECT 1``) is answered by the next free request thread instead of after every
  request queued before it, so a monitor or the proxy sees the service alive while it
  is busy. It still runs on a request thread, never in the event loop.
"""

from __future__ import annotations

from typing import Any

from waitress.adjustments import Adjustments
from waitress.server import MultiSocketServer, TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher

HEALTH_PATH = "/api/v1/health"
ACCEPT_BATCH = 256


class HealthFirstDispatcher(ThreadedTaskDispatcher):  # type: ignore[misc]
    """waitress's thread pool; a connection whose next request is a health check is
    queued first."""

    def add_task(self, task: Any) -> None:
        if not _is_health(task):
            super().add_task(task)
            return
        with self.lock:
            self.queue.appendleft(task)
            self.queue_cv.notify()


def _is_health(task: Any) -> bool:
    # Called by the event loop while it holds the channel's requests lock.
    requests = getattr(task, "requests", None)
    if not requests:
        return False
    first = requests[0]
    return getattr(first, "command", "") == "GET" and getattr(first, "path", "") == HEALTH_PATH


class DrainingServer(TcpWSGIServer):  # type: ignore[misc]
    """waitress's TCP server, accepting every connection that waits in one turn."""

    def handle_accept(self) -> None:
        for _ in range(ACCEPT_BATCH):
            before = len(self._map)
            if before >= self.adj.connection_limit:
                return
            super().handle_accept()
            if len(self._map) == before:  # nothing more was waiting
                return


def create(application: Any, **options: Any) -> Any:
    """The server for ``application`` (``options``: waitress's adjustments), listening
    on every address ``host`` and ``port`` resolve to, as ``waitress.create_server``
    does for TCP; it has ``run()`` and ``effective_port``."""
    adj = Adjustments(**options)
    dispatcher = HealthFirstDispatcher()
    dispatcher.set_thread_count(adj.threads)
    socket_map: dict[int, Any] = {}
    servers = [
        DrainingServer(application, socket_map, dispatcher=dispatcher, adj=adj, sockinfo=info)
        for info in adj.listen
    ]
    if len(servers) == 1:
        return servers[0]
    listening = [(s.effective_host, s.effective_port) for s in servers]
    multi = MultiSocketServer(socket_map, adj, listening, dispatcher, servers[-1].log_info)
    multi.effective_port = servers[-1].effective_port
    return multi
