"""Settings of the alerts and deconfliction apps, with their defaults.

Each value is read from Django settings first, then from the environment (so a worker
started by a test or an operator can be tuned without a settings file), then the default.
"""

from __future__ import annotations

import os

from django.conf import settings


def _value(name: str, default: float) -> float:
    if hasattr(settings, name):
        return float(getattr(settings, name))
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


def escalate_after_minutes() -> float:
    """Unacknowledged urgent/flash alerts escalate after this many minutes (default 30)."""
    return _value("ULINZI_ALERT_ESCALATE_AFTER_MINUTES", 30)


def webhook_timeout() -> float:
    """Seconds to wait for a webhook endpoint to answer (default 10)."""
    return _value("ULINZI_ALERT_WEBHOOK_TIMEOUT", 10)


def lease_seconds() -> float:
    """How long a worker holds a delivery it is sending before others may take it over."""
    return _value("ULINZI_ALERT_LEASE_SECONDS", webhook_timeout() + 30)


def max_attempts() -> int:
    """Attempts before a delivery is marked failed (default 6)."""
    return int(_value("ULINZI_ALERT_MAX_ATTEMPTS", 6))


def retry_base_seconds() -> float:
    """First retry delay; it doubles on each attempt (default 30 s, capped at 1 h)."""
    return _value("ULINZI_ALERT_RETRY_BASE_SECONDS", 30)


def tick_seconds() -> float:
    """Interval of the worker's periodic check (escalations, reminders, stale sends)."""
    return _value("ULINZI_ALERT_TICK_SECONDS", 60)


def send_chunk() -> int:
    """Deliveries per send task at fan-out (default 50)."""
    return int(_value("ULINZI_ALERT_SEND_CHUNK", 50))


def ack_link_days() -> float:
    """Validity of the signed acknowledgement link in alert emails (default 7 days)."""
    return _value("ULINZI_ALERT_ACK_LINK_DAYS", 7)


def site_url() -> str:
    """Absolute address of the web app, for links in emails."""
    return str(
        getattr(settings, "ULINZI_SITE_URL", os.environ.get("ULINZI_SITE_URL", ""))
        or "http://127.0.0.1:8000"
    ).rstrip("/")
