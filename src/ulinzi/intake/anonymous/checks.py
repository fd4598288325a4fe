"""System checks: the middleware that forgets the client must run first, rate-limit
counters must not land in the database or on disk, and overridden limits must exist."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

MIDDLEWARE = "ulinzi.intake.anonymous.middleware.ForgetClientMiddleware"
PERSISTENT_CACHES = (
    "django.core.cache.backends.db.DatabaseCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)


@checks.register(checks.Tags.security)
def anonymous_intake_checks(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    problems: list[checks.CheckMessage] = []
    if not settings.MIDDLEWARE or settings.MIDDLEWARE[0] != MIDDLEWARE:
        problems.append(
            checks.Error(
                f"{MIDDLEWARE} must be the first middleware, so that nothing sees the "
                "client address of anonymous reporters.",
                id="anonymous.E001",
            )
        )
    from ulinzi.intake.anonymous.ratelimit import DEFAULT_LIMITS

    unknown = sorted(
        set(getattr(settings, "ULINZI_ANONYMOUS_LIMITS", {}) or {}) - set(DEFAULT_LIMITS)
    )
    if unknown:
        problems.append(
            checks.Error(
                f"ULINZI_ANONYMOUS_LIMITS names no such limit: {', '.join(unknown)} "
                f"(the limits are {', '.join(DEFAULT_LIMITS)}).",
                id="anonymous.E002",
            )
        )
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PERSISTENT_CACHES:
        problems.append(
            checks.Warning(
                "The default cache persists to the database or disk; anonymous-intake "
                "rate-limit keys would be stored there. Use Redis, Memcached or local memory.",
                id="anonymous.W001",
            )
        )
    return problems
