"""`ulinzi demo` loads real and generated data, seeds alert subscriptions, an alert and a
finished linkage run, and running it twice changes nothing."""

from __future__ import annotations

import argparse
import signal
from pathlib import Path
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


def _seeded_for_alerts_and_linkage(settings: Any, mailbox: Path) -> None:
    """Subscriptions reach the demo users; the worker emails the demo alert into the
    mailbox; the linkage run finished with pairs in the coordinator's review queue."""
    from ulinzi.accounts.access import actor_for
    from ulinzi.accounts.models import User
    from ulinzi.alerts.models import Alert, Delivery, Subscription
    from ulinzi.analysis.linkage import selectors as linkage
    from ulinzi.analysis.linkage.models import ClericalSample, ClusterMember, LinkRun
    from ulinzi.commands import worker

    inboxes = Subscription.objects.filter(organisation__code__in=["cluster", "amani"])
    assert sorted(s.organisation.code for s in inboxes if s.in_app and s.everywhere) == [
        "amani", "cluster",
    ]  # fmt: skip
    emailed = {s.user.username: s.email for s in Subscription.objects.filter(has_email=True)}
    assert emailed == {
        "monitor": "monitor@cluster.example.org",
        "coordinator": "coordinator@cluster.example.org",
        "monitor2": "monitor2@amani.example.org",
        "coordinator2": "coordinator2@amani.example.org",
    }

    run = LinkRun.objects.get()
    assert run.state == "done" and run.linked > 0 and run.review_pairs > 0
    assert ClusterMember.objects.exists()
    coordinator = actor_for(User.objects.get(username="coordinator"))
    assert linkage.review_queue(coordinator).count() >= 20
    # The public datasets number their events: no cluster holds two reports of one of
    # them; some SSA attacks are linked to an Insecurity Insight report.
    codes = dict(ClusterMember.objects.values_list("incident_id", "incident__organisation__code"))
    members: dict[Any, list[str]] = {}
    for incident, canonical in ClusterMember.objects.values_list("incident_id", "canonical_id"):
        members.setdefault(canonical, []).append(codes[incident])
    for group in members.values():
        assert group.count("who-ssa") <= 1 and group.count("insecurity-insight") <= 1, group
    assert any({"who-ssa", "insecurity-insight"} <= set(g) for g in members.values())
    # A clerical sample of 200 WHO SSA x Insecurity Insight pairs waits for review.
    sample = ClericalSample.objects.get()
    assert sample.pairs.count() == 200
    assert linkage.review_queue(coordinator, sample=sample.pk).count() == 200

    alert = Alert.objects.get()
    emails = Delivery.objects.filter(alert=alert, channel="email")
    assert sorted(emails.values_list("state", flat=True)) == ["queued"] * 4
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = mailbox
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        assert worker.run(argparse.Namespace(queue="default", batch=True)) == 0
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert sorted(emails.values_list("state", flat=True)) == ["sent"] * 4
    mail = "".join(p.read_text() for p in mailbox.iterdir())
    for address in emailed.values():
        assert f"To: {address}" in mail
    assert alert.title in mail.replace("\n ", " ")  # long subjects are folded


@pytest.mark.django_db(transaction=True)
def test_demo_loads_real_data_and_is_idempotent(capsys: Any, settings: Any, tmp_path: Path) -> None:
    from ulinzi.accounts.models import User
    from ulinzi.incidents.models import Incident

    assert main(["demo", "--no-serve"]) == 0
    out = capsys.readouterr().out
    _seeded_for_alerts_and_linkage(settings, tmp_path / "mail")
    first = _counts()
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

    assert "is written to a file in" in out

    assert main(["demo", "--no-serve"]) == 0
    assert _counts() == first
