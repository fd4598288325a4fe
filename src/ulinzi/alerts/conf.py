"""Settings of the alerts and deconfliction apps, read from Django settings (which take
them from the environment, with their defaults: ulinzi/settings.py)."""

from __future__ import annotations

from django.conf import settings


def _value(name: str) -> float:
    return float(getattr(settings, name))


def escalate_after_minutes() -> float:
    """Unacknowledged urgent/flash alerts escalate after this many minutes (default 30)."""
    return _value("ULINZI_ALERT_ESCALATE_AFTER_MINUTES")


def webhook_timeout() -> float:
    """Seconds to wait for a webhook endpoint to answer (default 10)."""
    return _value("ULINZI_ALERT_WEBHOOK_TIMEOUT")


def lease_seconds() -> float:
    """How long a worker holds a delivery it is sending before others may take it over."""
    return _value("ULINZI_ALERT_LEASE_SECONDS")


def max_attempts() -> int:
    """Attempts before a delivery is marked failed (default 6)."""
    return int(_value("ULINZI_ALERT_MAX_ATTEMPTS"))


def retry_base_seconds() -> float:
    """First retry delay; it doubles on each attempt (default 30 s, capped at 1 h)."""
    return _value("ULINZI_ALERT_RETRY_BASE_SECONDS")


def tick_seconds() -> float:
    """Interval of the worker's periodic check (escalations, reminders, stale sends)."""
    return _value("ULINZI_ALERT_TICK_SECONDS")


def send_chunk() -> int:
    """Deliveries per send task at fan-out (default 50)."""
    return int(_value("ULINZI_ALERT_SEND_CHUNK"))


def ack_link_days() -> float:
    """Validity of the signed acknowledgement link in alert emails (default 7 days)."""
    return _value("ULINZI_ALERT_ACK_LINK_DAYS")


def site_url() -> str:
    """Absolute address of the web app, for links in emails."""
    return str(settings.ULINZI_SITE_URL).rstrip("/")
