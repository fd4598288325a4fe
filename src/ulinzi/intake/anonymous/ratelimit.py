"""Rate limits for anonymous intake, per client and overall, in Django's cache.

The client is known only by a salted HMAC of its address. The salt is random, lives in
the cache for a day and is never written anywhere else; the counters expire with their
window. Nothing of this reaches the database. With several web processes, configure a
shared cache (``CACHES``: Redis or Memcached) so the limits hold across processes; the
default local-memory cache counts per process. Never use the database cache here.

Limits (``ULINZI_ANONYMOUS_LIMITS`` overrides any of them)::

    receipt_client  30 receipt attempts per client per 10 minutes
    receipt_global  1200 receipt attempts overall per 10 minutes
    submit_client   20 reports per client per hour
    submit_global   600 reports overall per hour
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "receipt_client": (30, 600),
    "receipt_global": (1200, 600),
    "submit_client": (20, 3600),
    "submit_global": (600, 3600),
}
SALT_KEY = "ulinzi:anonymous:client-salt"
SALT_SECONDS = 86_400


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


def client_key(address: str) -> str:
    """A salted HMAC of the client address, stable for a day at most."""
    salt = cache.get(SALT_KEY)
    if salt is None:
        cache.add(SALT_KEY, secrets.token_hex(32), SALT_SECONDS)
        salt = cache.get(SALT_KEY) or secrets.token_hex(32)
    return hmac.new(str(salt).encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def _hit(name: str, who: str) -> None:
    limit, seconds = _limit(name)
    now = time.time()
    window = int(now // seconds)
    key = f"ulinzi:anonymous:rl:{name}:{who}:{window}"
    cache.add(key, 0, seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, seconds + 5)
        count = 1
    if count > limit:
        raise RateLimited(scope=name, retry_after=max(1, int((window + 1) * seconds - now)))


def hit(kind: str, client: str | None) -> None:
    """Count one attempt of ``kind`` (``receipt`` or ``submit``); raise
    :class:`RateLimited` when the client's or the overall limit is exceeded."""
    _hit(f"{kind}_client", client or "unknown")
    _hit(f"{kind}_global", "all")
