"""Deconfliction settings (from Django settings: ulinzi/settings.py has the defaults)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ulinzi.alerts.conf import _value

NOTICE = _(
    "Notification is voluntary. The coordinator does not verify what is notified, "
    "notification guarantees nothing, and it is not a condition of protection under "
    "international humanitarian law: every civilian person and object is protected "
    "whether notified or not."
)


def lead_hours(*, emergency: bool) -> float:
    """How long before departure a movement must be notified (48 h; 24 h in emergencies)."""
    if emergency:
        return _value("ULINZI_DECONFLICTION_EMERGENCY_LEAD_HOURS")
    return _value("ULINZI_DECONFLICTION_LEAD_HOURS")


def ack_hours() -> float:
    """Parties should acknowledge within this many hours of sending (default 24)."""
    return _value("ULINZI_DECONFLICTION_ACK_HOURS")


def reminder_hours() -> float:
    """Interval between reminders after the deadline (default 6 h)."""
    return _value("ULINZI_DECONFLICTION_REMINDER_HOURS")


def reminders() -> int:
    """Reminders before escalation to the coordinator (default 2)."""
    return int(_value("ULINZI_DECONFLICTION_REMINDERS"))


def cell() -> str:
    """Code of the coordination body that reviews every notification; empty means each
    organisation's own coordinators review its sites and movements."""
    return str(settings.ULINZI_DECONFLICTION_CELL)
