"""`ulinzi demo` loads real and generated data, and running it twice changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from ulinzi.cli import main

# Logs of what happened, which a second run rightly extends.
LOGS = ("intake.ImportRun", "intake.ImportReject")


def _counts() -> dict[str, int]:
    from django.apps import apps

    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label not in ("sessions", "django_tasks_database", "audit")
        and m._meta.label not in LOGS
    }


@pytest.mark.django_db(transaction=True)
def test_demo_loads_real_data_and_is_idempotent(capsys: Any) -> None:
    from ulinzi.accounts.models import User
    from ulinzi.incidents.models import Incident

    assert main(["demo", "--no-serve"]) == 0
    first = _counts()
    out = capsys.readouterr().out
    assert "who_ssa_attacks_2017_2024.csv" in out and "http://127.0.0.1:8000/" in out
    for name in (
        "admin",
        "coordinator",
        "analyst",
        "case_worker",
        "investigator",
        "monitor",
        "reporter",
        "party_focal_point",
    ):
        assert name in out and f"{name}2" in out
        assert User.objects.filter(username__in=[name, f"{name}2"]).count() == 2
    assert Incident.objects.filter(organisation__code="who-ssa").count() > 6000
    assert Incident.objects.filter(organisation__code="insecurity-insight").count() > 8000
    for domain in ("grave_violation", "gbv", "seah", "protection"):
        assert Incident.objects.filter(domain=domain).exists(), domain

    assert main(["demo", "--no-serve"]) == 0
    assert _counts() == first
