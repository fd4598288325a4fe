"""A bound on slow hashing (Argon2) per web process, so it cannot take every thread.

Receipt checks, anonymous submissions and password checks each run one Argon2 hash of
tens of milliseconds of CPU. Unbounded, a flood of them fills every request thread and
everything else waits behind it. Here at most ``ULINZI_ARGON2_SLOTS`` hashes run at once
(default: half the CPUs, at least one); at most ``ULINZI_ARGON2_QUEUE`` more requests
wait for a slot (default: as many as there are slots), each for ``ULINZI_ARGON2_WAIT``
seconds at most (default 2). Anything beyond is refused at once with :class:`Busy`,
which the API and :class:`BusyMiddleware` answer with 503 and ``Retry-After``. Argon2
work and its queue so hold at most as many request threads as there are CPUs (2 of
the 8 default threads on two CPUs): keep ``ulinzi serve --threads`` above that, and
health checks and the incident API keep threads of their own. Refusals are logged as
one warning a minute at most, not one error line per request.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

log = logging.getLogger(__name__)
REPORT_SECONDS = 60.0


class Busy(Exception):
    """Every Argon2 slot is taken and the queue is full (or the wait ran out)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"the server is busy; try again in {retry_after} seconds")
        self.retry_after = retry_after


class _Gate:
    def __init__(self, slots: int, queue: int, wait: float) -> None:
        self.slots, self.queue, self.wait = slots, queue, wait
        self.retry_after = max(1, math.ceil(wait))
        self._running = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._waiting = 0
        self._refused = 0
        self._reported_at = -REPORT_SECONDS

    def acquire(self) -> None:
        if self._running.acquire(blocking=False):
            return
        with self._lock:
            full = self._waiting >= self.queue
            if not full:
                self._waiting += 1
        if full:
            self._refuse()
        try:
            got = self._running.acquire(timeout=self.wait)
        finally:
            with self._lock:
                self._waiting -= 1
        if not got:
            self._refuse()

    def _refuse(self) -> None:
        with self._lock:
            self._refused += 1
            now = time.monotonic()
            if now - self._reported_at >= REPORT_SECONDS:
                log.warning(
                    "Argon2 slots full (%d running, %d waiting): %d requests answered 503 "
                    "since the last report",
                    self.slots,
                    self.queue,
                    self._refused,
                )
                self._refused, self._reported_at = 0, now
        raise Busy(self.retry_after)

    def release(self) -> None:
        self._running.release()


def default_slots() -> int:
    return max(1, (os.cpu_count() or 2) // 2)


@cache
def _gate_for(slots: int, queue: int, wait: float) -> _Gate:
    return _Gate(slots, queue, wait)


def gate() -> _Gate:
    """The gate for the settings in force (one per process and set of settings)."""
    slots = max(1, int(getattr(settings, "ULINZI_ARGON2_SLOTS", 0) or default_slots()))
    queue = max(0, int(getattr(settings, "ULINZI_ARGON2_QUEUE", 0) or slots))
    wait = float(getattr(settings, "ULINZI_ARGON2_WAIT", 2.0))
    return _gate_for(slots, queue, wait)


@contextmanager
def slot() -> Iterator[None]:
    """Run the block in an Argon2 slot, or raise :class:`Busy`. Not re-entrant: never
    nest two slots in one thread."""
    current = gate()
    current.acquire()
    try:
        yield
    finally:
        current.release()


class BusyMiddleware:
    """Pages: :class:`Busy` from a view becomes a 503 page with ``Retry-After``. (The
    JSON API answers it with problem+json itself.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, Busy):
            return None
        return busy_response(
            request, render(request, "web/busy.html", {"seconds": exc.retry_after}), exc
        )


def busy_response(request: HttpRequest, response: HttpResponse, exc: Busy) -> HttpResponse:
    """``response`` as the 503 answer to :class:`Busy`: ``Retry-After``, not cached, and
    not logged line by line (:class:`QuietBusy`)."""
    request.ulinzi_busy = True  # type: ignore[attr-defined]
    response.status_code = 503
    response["Retry-After"] = str(exc.retry_after)
    response["Cache-Control"] = "no-store"
    return response


class QuietBusy(logging.Filter):
    """Drops Django's "Service Unavailable" line for requests refused as :class:`Busy`
    (the gate logs a summary); every other record passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(getattr(record, "request", None), "ulinzi_busy", False)
