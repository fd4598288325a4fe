"""The demo data of the cases app loads, is idempotent and gives TOTP secrets."""

from __future__ import annotations

from typing import Any

import pytest

from ulinzi.cases import demo
from ulinzi.cases.models import Case, Complaint, Referral

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_prints_secrets(demo_orgs: Any) -> None:
    from ulinzi.intake.anonymous import routing

    routing.configure_demo()
    lines: list[str] = []
    demo.load(lines.append)
    demo.load(lines.append)
    assert Case.objects.count() == 1 and Referral.objects.count() == 1
    assert Complaint.objects.count() == 1
    secrets = dict(demo.totp_devices())
    assert set(secrets) == {
        "case_worker",
        "case_worker2",
        "coordinator",
        "coordinator2",
        "investigator",
        "investigator2",
    }
    assert all(f"  {u:<14} {s}" in lines for u, s in secrets.items())


def test_tick_command_notifies_overdue_once(demo_orgs: Any) -> None:
    import argparse
    from datetime import timedelta

    from django.utils import timezone

    from ulinzi.cases.models import Notification, StagePeriod
    from ulinzi.commands import cases as command
    from ulinzi.intake.anonymous import routing

    routing.configure_demo()
    demo.load(lambda line: None)
    Referral.objects.update(due_at=timezone.now() - timedelta(hours=1))
    StagePeriod.objects.update(deadline=timezone.now() - timedelta(hours=1))
    assert command.run_tick(argparse.Namespace()) == 0
    from ulinzi.cases.tick import tick

    assert tick() == {"overdue_referrals": 0, "overdue_complaint_stages": 0}
    assert Notification.objects.filter(kind="referral_overdue").exists()
    assert Notification.objects.filter(kind="complaint_overdue").exists()
