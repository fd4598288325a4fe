"""The periodic check of the cases app: notify, once each, overdue referrals and overdue
complaint stages. Overdue status itself is computed when pages and endpoints are read."""

from __future__ import annotations

from ulinzi.cases.services import referrals
from ulinzi.cases.services.complaints import stages


def tick() -> dict[str, int]:
    return {
        "overdue_referrals": referrals.notify_overdue(),
        "overdue_complaint_stages": stages.notify_overdue(),
    }
