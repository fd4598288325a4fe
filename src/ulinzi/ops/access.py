"""Who counts as the instance's operator: a caller sending the monitoring token
(``Authorization: Bearer $ULINZI_MONITORING_TOKEN``), or a signed-in superuser."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest


def has_monitoring_token(request: HttpRequest) -> bool:
    """Whether the request carries the configured monitoring token (never when none is set)."""
    token = str(getattr(settings, "ULINZI_MONITORING_TOKEN", "") or "")
    scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def is_operator(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return has_monitoring_token(request) or bool(user and user.is_active and user.is_superuser)
