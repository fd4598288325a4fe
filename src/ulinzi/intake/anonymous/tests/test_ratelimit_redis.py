"""With ``ULINZI_CACHE_URL`` (Redis) the anonymous rate limits live in Redis: another
process (a restart, a second web process) sees the same counts, and Redis holds no
client address. Needs Redis at ``ULINZI_TEST_REDIS_URL`` (default 127.0.0.1:6379):
skipped with a message without it, failed with ``CI=true``."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from ulinzi.intake.anonymous import ratelimit

DAY = 86_400  # windows a test never straddles (one ends at midnight UTC)
REDIS_URL = os.environ.get("ULINZI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ULINZI = str(Path(sys.executable).with_name("ulinzi"))
ADDRESS = "203.0.113.44"


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own in a reachable Redis; its keys removed after."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        reason = f"no Redis at {REDIS_URL} ({exc})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}: with CI=true the Redis tests must run")
        pytest.skip(reason)
    prefix = f"ulinzi-test-{uuid.uuid4().hex}"
    yield prefix
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)


def _settings(prefix: str) -> dict[str, Any]:
    return {
        "CACHES": {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": prefix,
            }
        },
        "ULINZI_ANONYMOUS_LIMITS": {"receipt_client": (3, DAY)},
    }


def test_counts_are_shared_with_another_process_and_hold_no_address(
    redis_prefix: str, settings: Any
) -> None:
    import redis

    settings.SECRET_KEY = "a secret key both processes share"
    with override_settings(**_settings(redis_prefix)):
        key = ratelimit.client_key(ADDRESS)
        ratelimit.hit("receipt", key)
        ratelimit.hit("receipt", key)
    # A new process (a restart, or a second web process) counts on from there.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        ULINZI_CACHE_URL=REDIS_URL,
        ULINZI_CACHE_PREFIX=redis_prefix,
        ULINZI_SECRET_KEY=settings.SECRET_KEY,
        ULINZI_ANONYMOUS_LIMITS="receipt_client=3/86400",
        ULINZI_DATA_DIR=os.environ["ULINZI_DATA_DIR"],
        ULINZI_LOG_LEVEL="WARNING",
    )
    code = (
        "from ulinzi.intake.anonymous import ratelimit as r\n"
        f"k = r.client_key({ADDRESS!r})\n"
        "out = []\n"
        "for _ in range(2):\n"
        "    try:\n"
        "        r.hit('receipt', k); out.append('ok')\n"
        "    except r.RateLimited:\n"
        "        out.append('limited')\n"
        "print(' '.join(out))\n"
    )
    done = subprocess.run(
        [ULINZI, "manage", "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-2:] == ["ok", "limited"]  # the 3rd attempt, then the 4th
    client = redis.Redis.from_url(REDIS_URL)
    stored = [(k, client.get(k)) for k in client.scan_iter(match=f"{redis_prefix}*")]
    assert stored, "the counters were not in Redis"
    assert not any(ADDRESS.encode() in k or ADDRESS.encode() in (v or b"") for k, v in stored)


def test_a_stopped_cache_lets_reporters_through(settings: Any) -> None:
    """Redis unreachable: attempts are let through (and logged), never a 500."""
    from django.test import Client

    settings.ULINZI_ANONYMOUS_LIMITS = {"receipt_client": (1, DAY)}
    dead = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # discard port: nothing listens
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=dead):
        statuses = [
            Client(REMOTE_ADDR=ADDRESS)
            .post("/api/v1/reports/anonymous/status", {"receipt": "x"}, "application/json")
            .status_code
            for _ in range(2)
        ]
    assert statuses == [404, 404]
