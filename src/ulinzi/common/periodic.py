"""The periodic checks every app asks the worker to run (``ULINZI_PERIODIC_CHECKS``):
one task re-enqueues itself (:func:`ulinzi.alerts.tasks.schedule_tick`) and runs them all,
so overdue referrals are noticed as surely as unacknowledged alerts."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


def run_checks() -> dict[str, int]:
    """Run every configured check; one that fails is logged and the others still run."""
    report: dict[str, int] = {}
    for path in settings.ULINZI_PERIODIC_CHECKS:
        check: Callable[[], dict[str, int]] = import_string(path)
        try:
            report.update(check())
        except Exception:
            log.exception("periodic check %s failed", path)
            report["failed_checks"] = report.get("failed_checks", 0) + 1
    return report
