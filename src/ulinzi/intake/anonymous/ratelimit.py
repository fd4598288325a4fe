"""Rate limits for anonymous intake: per client, and an overall budget that degrades to
a fair share per client instead of refusing everyone.

A client is its network as :func:`ulinzi.common.clients.client_id` sees it (trusted
proxies only; IPv6 by /64), known here only by an HMAC of it under a key derived from
``SECRET_KEY`` and the day: the cache holds counters under keys that cannot be turned
back into addresses without the secret key, and that change every day. Nothing of this
reaches the database. Counters live in Django's cache: with ``ULINZI_CACHE_URL``
(Redis) they are shared by every web process and survive restarts; the default
local-memory cache counts per process. Never use the database or file cache here.

Each kind (``receipt`` attempts, ``submit`` reports) has three limits::

    receipt_client  30 per client per 10 minutes      submit_client  20 per client per hour
    receipt_global  1200 overall per 10 minutes       submit_global  600 overall per hour
    receipt_fair    10 per client per 10 minutes      submit_fair    3 per client per hour

A client beyond its own limit is refused. Once the overall budget of the window is
spent (a flood), each client is held to its fair share instead: the flooding addresses,
already past it, are refused, while a reporter who comes now still gets through. A
flood from N addresses so costs at most N fair shares; the Argon2 bound
(:mod:`ulinzi.common.slowhash`) caps the CPU it can take whatever N is.
``ULINZI_ANONYMOUS_LIMITS`` overrides any of the limits.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

log = logging.getLogger(__name__)

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "receipt_client": (30, 600),
    "receipt_global": (1200, 600),
    "receipt_fair": (10, 600),
    "submit_client": (20, 3600),
    "submit_global": (600, 3600),
    "submit_fair": (3, 3600),
}
PREFIX = "ulinzi:anonymous:rl"
_warned_at = -60.0


@dataclass
class RateLimited(Exception):
    """Too many attempts; try again after ``retry_after`` seconds."""

    scope: str
    retry_after: int

    def __str__(self) -> str:
        return f"too many attempts; try again in {self.retry_after} seconds"


def _limit(name: str) -> tuple[int, int]:
    given = getattr(settings, "ULINZI_ANONYMOUS_LIMITS", {}) or {}
    count, seconds = given.get(name, DEFAULT_LIMITS[name])
    return int(count), int(seconds)


def client_key(client: str) -> str:
    """An HMAC of the client (its network) under a key derived from ``SECRET_KEY`` and
    today's date: stable for a day at most, meaningless without the secret key."""
    day = timezone.now().date().isoformat()
    key = hmac.new(
        str(settings.SECRET_KEY).encode(), f"ulinzi.anonymous.ratelimit:{day}".encode(), "sha256"
    ).digest()
    return hmac.new(key, client.encode(), hashlib.sha256).hexdigest()[:32]


def _count(name: str, who: str, now: float) -> tuple[int, int]:
    """Add one to ``who``'s counter of limit ``name``: (the count now, seconds left)."""
    seconds = _limit(name)[1]
    window = int(now // seconds)
    key = f"{PREFIX}:{name}:{who}:{window}"
    cache.add(key, 0, seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, seconds + 5)
        count = 1
    return int(count), max(1, int((window + 1) * seconds - now))


def _check(kind: str, who: str) -> None:
    now = time.time()
    used, client_left = _count(f"{kind}_client", who, now)
    if used > _limit(f"{kind}_client")[0]:
        raise RateLimited(scope=f"{kind}_client", retry_after=client_left)
    overall, overall_left = _count(f"{kind}_global", "all", now)
    if overall > _limit(f"{kind}_global")[0] and used > _limit(f"{kind}_fair")[0]:
        raise RateLimited(scope=f"{kind}_global", retry_after=min(client_left, overall_left))


def hit(kind: str, client: str | None) -> None:
    """Count one attempt of ``kind`` (``receipt`` or ``submit``) by ``client`` (its
    :func:`client_key`); raise :class:`RateLimited` beyond the limits. When the cache
    cannot be reached the attempt is let through (and logged): the Argon2 bound still
    holds, and a reporter is not refused for a fault of ours."""
    try:
        _check(kind, client or "unknown")
    except RateLimited:
        raise
    except Exception as exc:  # the cache is down or unreachable
        global _warned_at
        if time.monotonic() - _warned_at >= 60:  # one line a minute, not one per request
            _warned_at = time.monotonic()
            log.warning("anonymous rate limits not counted: the cache failed (%r)", exc)
