"""A referral from answer to close; overdue on both sides; the pages of both sides."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from ulinzi.cases.models import Notification, Referral
from ulinzi.cases.services import referrals

pytestmark = pytest.mark.django_db


def test_receiver_accepts_delivers_and_closes(api: Any, referral: Any) -> None:
    assert Notification.objects.filter(
        kind="referral_received", user__username="case_worker2"
    ).exists()
    receiver = api("case_worker2")
    base = f"/api/v1/referrals/{referral.pk}"
    assert receiver.post(f"{base}/deliver", {"services": "x"}).status_code == 422  # not accepted
    accepted = receiver.post(f"{base}/respond", {"accept": True, "reason": "bed free"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert receiver.post(f"{base}/respond", {"accept": False, "reason": "x"}).status_code == 422
    assert receiver.post(f"{base}/deliver", {"services": ""}).status_code == 422
    receiver.post(f"{base}/deliver", {"services": "three nights of shelter"})
    closed = receiver.post(f"{base}/close", {})
    assert closed.json()["status"] == "completed"
    sender = api("case_worker").get(base).json()
    assert sender["status"] == "completed" and "three nights" in sender["services_delivered"]
    kinds = list(referral.case.timeline.values_list("kind", flat=True))
    assert kinds[-4:] == [
        "referral_sent",
        "referral_accepted",
        "referral_delivered",
        "referral_completed",
    ]
    assert (
        Notification.objects.filter(kind="referral_answered", user__username="case_worker").count()
        == 2
    )


def test_decline_needs_a_reason(api: Any, referral: Any) -> None:
    receiver = api("coordinator2")
    base = f"/api/v1/referrals/{referral.pk}"
    assert receiver.post(f"{base}/respond", {"accept": False}).status_code == 422
    done = receiver.post(f"{base}/respond", {"accept": False, "reason": "no bed until Monday"})
    assert done.json()["status"] == "declined"
    assert api("case_worker").get(base).json()["response_reason"] == "no bed until Monday"


def test_overdue_shows_on_both_sides_and_notifies_once(
    api: Any, referral: Any, settings: Any
) -> None:
    assert api("case_worker").get(f"/api/v1/referrals/{referral.pk}").json()["overdue"] is False
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    for name in ("case_worker", "case_worker2"):
        rows = api(name).get("/api/v1/referrals").json()
        assert [r["overdue"] for r in rows] == [True], name
    assert referrals.notify_overdue() == 1
    assert referrals.notify_overdue() == 0
    told = set(
        Notification.objects.filter(kind="referral_overdue").values_list(
            "user__username", flat=True
        )
    )
    assert {"case_worker", "case_worker2", "coordinator2"} <= told
    settings.ULINZI_REFERRAL_RESPONSE_HOURS = 1
    assert referrals.response_hours() == 1


def test_not_to_a_service_that_takes_no_referrals(api: Any, case: Any, services_: Any) -> None:
    space = services_["Amani child-friendly space"]
    bad = api("case_worker").post(f"/api/v1/cases/{case.pk}/referrals", {"service": str(space.pk)})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "service"


def test_pages_of_both_sides(
    case: Any, consent_for_amani: Any, shelter: Any, verified: Any
) -> None:
    sender = verified("case_worker")
    detail = sender.get(f"/cases/{case.pk}/?need=safety_shelter")
    assert detail.status_code == 200 and "Amani safe house" in detail.content.decode()
    sent = sender.post(f"/cases/{case.pk}/refer/", {"service": str(shelter.pk), "note": "urgent"})
    referral = Referral.objects.get()
    assert sent["Location"] == f"/cases/referrals/{referral.pk}/"
    receiver = verified("case_worker2")
    listing = receiver.get("/cases/referrals/").content.decode()
    assert case.reference in listing
    page = receiver.get(f"/cases/referrals/{referral.pk}/").content.decode()
    assert "Olena Test" in page and "Lives behind the market" not in page
    receiver.post(f"/cases/referrals/{referral.pk}/act/", {"action": "accept"})
    assert Referral.objects.get().status == "accepted"
    assert "Accepted" in sender.get(f"/cases/referrals/{referral.pk}/").content.decode()
    refused = sender.post(f"/cases/referrals/{referral.pk}/act/", {"action": "close"})
    assert refused.status_code == 403
    for path in (
        "/cases/",
        "/cases/new/",
        "/cases/notifications/",
        "/cases/protocol/",
        f"/cases/{case.pk}/assess/ipv/",
    ):
        assert sender.get(path).status_code == 200, path


def test_open_case_and_assess_through_pages(demo_orgs: Any, verified: Any) -> None:
    from ulinzi.cases.models import Case

    client = verified("case_worker")
    made = client.post(
        "/cases/new/",
        {
            "country": "UKR",
            "sex": "female",
            "age_group": "adult",
            "survivor_name": "Page Test",
            "needs": ["health"],
        },
    )
    case = Case.objects.get()
    assert made["Location"] == f"/cases/{case.pk}/"
    answers = {
        q: "no"
        for q in (
            "escalation",
            "weapon",
            "strangled",
            "separation",
            "controlling",
            "pregnant",
            "children_harmed",
        )
    }
    answers.update({"threat_to_kill": "yes", "fear": "very"})
    client.post(f"/cases/{case.pk}/assess/ipv/", answers)
    case.refresh_from_db()
    assert case.risk_level == "high" and case.protocol_flag
    assert "plan is required" in client.get(f"/cases/{case.pk}/").content.decode()
    client.post(
        f"/cases/{case.pk}/measures/",
        {"kind": "safe_shelter", "owner": "cluster", "status": "active"},
    )
    case.refresh_from_db()
    assert not case.protocol_flag
    client.post(f"/cases/{case.pk}/notes/", {"body": "called back"})
    assert case.notes.get().body == "called back"
