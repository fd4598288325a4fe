"""SEAH complaints: stages with owners and deadlines, overdue flagged and notified, the
subject for investigators only, the complainant's view (account and receipt code) never
carrying internal fields, victim assistance apart, transparency statistics."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from ulinzi.cases.models import Complaint, Notification, StagePeriod
from ulinzi.cases.services.complaints import intake, stages

pytestmark = pytest.mark.django_db

SUBJECT = "Driver Jonas Example"
NOTE = "Witness W2 confirms the vehicle"
DESCRIPTION = "Asked for sex in exchange for a place on the distribution list"


@pytest.fixture
def report(demo_orgs: Any) -> Any:
    from ulinzi.intake.anonymous import routing, services

    routing.configure_demo()
    return services.submit(
        data={
            "category": "seah",
            "what_happened": DESCRIPTION,
            "country": "UKR",
            "admin1_name": "Kharkivska",
            "occurred_on": "2025-03",
        }
    )


@pytest.fixture
def complaint(api: Any, report: Any) -> Any:
    made = api("investigator").post(
        "/api/v1/complaints",
        {
            "kind": "sexual_exploitation",
            "anonymous_report": str(report.report.pk),
            "subject_identity": SUBJECT,
            "subject_organisation": "Transport contractor",
        },
    )
    assert made.status_code == 201, made.content
    return Complaint.objects.get(pk=made.json()["id"])


def test_from_an_anonymous_report(complaint: Any, report: Any) -> None:
    assert complaint.source == "anonymous" and complaint.anonymous_report_id == report.report.pk
    assert complaint.description == DESCRIPTION and complaint.country == "UKR"
    assert complaint.stage == "intake"
    period = complaint.periods.get()
    assert period.owner is not None and period.owner.username == "investigator"
    assert (period.deadline - period.started_at).days == 2
    # Victim assistance starts at intake, apart from the stages.
    assert list(complaint.assistance.values_list("kind", "status")) == [
        ("needs_assessment", "pending")
    ]
    assert Notification.objects.filter(
        kind="complaint_received", user__username="coordinator"
    ).exists()


def test_subject_only_for_investigators(api: Any, complaint: Any) -> None:
    by_investigator = api("investigator").get(f"/api/v1/complaints/{complaint.pk}").json()
    assert by_investigator["subject_identity"] == SUBJECT
    by_coordinator = api("coordinator").get(f"/api/v1/complaints/{complaint.pk}")
    assert by_coordinator.status_code == 200
    assert (
        by_coordinator.json()["subject_identity"] is None
        and SUBJECT not in by_coordinator.content.decode()
    )
    refused = api("coordinator").post(
        f"/api/v1/complaints/{complaint.pk}/subject", {"identity": "x"}
    )
    assert refused.status_code == 403
    for other in ("investigator2", "coordinator2", "case_worker"):
        assert api(other).get(f"/api/v1/complaints/{complaint.pk}").status_code in (403, 404), other
    from ulinzi.audit.models import AuditEvent

    fields = {
        e.username: e.fields
        for e in AuditEvent.objects.filter(
            object_type="complaint", object_id=str(complaint.pk), action="read"
        )
    }
    assert "subject" in fields["investigator"] and "subject" not in fields["coordinator"]


def test_stages_owners_outcome(api: Any, complaint: Any) -> None:
    client = api("coordinator")
    base = f"/api/v1/complaints/{complaint.pk}"
    assert (
        client.post(f"{base}/advance", {"stage": "assessment", "owner": "investigator"}).status_code
        == 200
    )
    back = client.post(f"{base}/advance", {"stage": "intake"})
    assert back.status_code == 422 and back.json()["errors"][0]["field"] == "stage"
    bad_owner = client.post(f"{base}/advance", {"stage": "referral", "owner": "monitor"})
    assert bad_owner.status_code == 422 and bad_owner.json()["errors"][0]["field"] == "owner"
    assert client.post(f"{base}/advance", {"outcome": "substantiated"}).status_code == 422
    client.post(f"{base}/advance", {"stage": "outcome"})
    done = client.post(f"{base}/advance", {"outcome": "referred_national"})
    assert done.json()["outcome"] == "referred_national" and done.json()["closed_at"]
    periods = list(StagePeriod.objects.filter(complaint=complaint).values_list("stage", flat=True))
    assert periods == ["intake", "assessment", "outcome"]
    assert not StagePeriod.objects.filter(complaint=complaint, ended_at__isnull=True).exists()
    # Assistance goes on after the outcome.
    more = client.post(f"{base}/assistance", {"kind": "psychosocial", "status": "provided"})
    assert more.status_code == 201


def test_overdue_stage_is_flagged_and_notified(api: Any, complaint: Any, verified: Any) -> None:
    assert api("coordinator").get("/api/v1/complaints/overdue").json() == []
    StagePeriod.objects.filter(complaint=complaint).update(
        deadline=timezone.now() - timedelta(hours=1)
    )
    rows = api("coordinator").get("/api/v1/complaints/overdue").json()
    assert [(r["reference"], r["stage"], r["owner"]) for r in rows] == [
        (complaint.reference, "intake", "investigator")
    ]
    assert api("coordinator").get("/api/v1/complaints").json()[0]["overdue"] is True
    assert stages.notify_overdue() == 1 and stages.notify_overdue() == 0
    told = set(
        Notification.objects.filter(kind="complaint_overdue").values_list(
            "user__username", flat=True
        )
    )
    assert told == {"coordinator", "investigator"}
    page = verified("coordinator").get("/cases/complaints/").content.decode()
    assert complaint.reference in page.split('id="overdue"')[1].split("</table>")[0]
    assert api("coordinator2").get("/api/v1/complaints/overdue").json() == []


def test_deadlines_are_configurable_per_organisation(
    as_actor: Any, demo_orgs: Any, api: Any, report: Any
) -> None:
    stages.set_deadline(
        actor=as_actor("coordinator"), organisation=demo_orgs["cluster"], stage="intake", days=5
    )
    made = api("coordinator").post(
        "/api/v1/complaints", {"kind": "sexual_abuse", "description": "x", "country": "UKR"}
    )
    period = Complaint.objects.get(pk=made.json()["id"]).periods.get()
    assert (period.deadline - period.started_at).days == 5
    with pytest.raises(Exception):
        stages.set_deadline(
            actor=as_actor("investigator"),
            organisation=demo_orgs["cluster"],
            stage="intake",
            days=5,
        )


INTERNAL = (SUBJECT, "Transport contractor", NOTE, "investigator", "deadline", "owner", DESCRIPTION)


def _assert_nothing_internal(payload: Any) -> None:
    text = json.dumps(payload, default=str)
    for secret in INTERNAL:
        assert secret not in text, secret
    assert set(payload) == {
        "reference",
        "received_on",
        "stage",
        "stage_label",
        "stage_since",
        "closed",
        "outcome",
        "outcome_label",
        "messages",
    }


def test_complainant_by_receipt_sees_stage_and_messages_only(
    api: Any, complaint: Any, report: Any
) -> None:
    handler = api("investigator")
    handler.post(f"/api/v1/complaints/{complaint.pk}/notes", {"body": NOTE})
    handler.post(f"/api/v1/complaints/{complaint.pk}/messages", {"body": "We have started."})
    handler.post(
        f"/api/v1/complaints/{complaint.pk}/advance",
        {"stage": "assessment", "owner": "investigator"},
    )
    public = api(None)
    seen = public.post("/api/v1/complaints/status", {"receipt": report.receipt})
    assert seen.status_code == 200
    body = seen.json()
    _assert_nothing_internal(body)
    assert body["stage"] == "assessment" and body["messages"][0]["body"] == "We have started."
    assert body["messages"][0]["author"] == "handler"
    wrote = public.post(
        "/api/v1/complaints/status/messages", {"receipt": report.receipt, "body": "Thank you"}
    )
    assert wrote.status_code == 201 and wrote.json()["messages"][-1]["author"] == "complainant"
    assert complaint.messages.last().body == "Thank you"
    assert public.post("/api/v1/complaints/status", {"receipt": "0" * 20}).status_code == 404
    page = public.client.post(
        "/cases/complaints/follow/", {"receipt": report.receipt}
    ).content.decode()
    assert "Preliminary assessment" in page
    for secret in INTERNAL[:4]:
        assert secret not in page


def test_complainant_with_an_account(api: Any, demo_orgs: Any) -> None:
    me = api("reporter")
    filed = me.post(
        "/api/v1/complaints/mine",
        {"organisation": "amani", "kind": "sexual_harassment", "description": "My supervisor"},
    )
    assert filed.status_code == 201, filed.content
    _assert_nothing_internal(filed.json())
    complaint = Complaint.objects.get(reference=filed.json()["reference"])
    assert complaint.source == "staff" and complaint.organisation.code == "amani"
    api("investigator2").post(f"/api/v1/complaints/{complaint.pk}/subject", {"identity": SUBJECT})
    api("investigator2").post(f"/api/v1/complaints/{complaint.pk}/notes", {"body": NOTE})
    mine = me.get("/api/v1/complaints/mine").json()
    assert len(mine) == 1
    _assert_nothing_internal(mine[0])
    wrote = me.post(
        f"/api/v1/complaints/mine/{complaint.reference}/messages", {"body": "any news?"}
    )
    assert wrote.status_code == 201
    assert (
        api("monitor")
        .post(f"/api/v1/complaints/mine/{complaint.reference}/messages", {"body": "x"})
        .status_code
        == 404
    )
    assert api("monitor").get("/api/v1/complaints/mine").json() == []
    assert api("investigator").get(f"/api/v1/complaints/{complaint.pk}").status_code == 404


def test_transparency_statistics_suppress_small_cells(
    api: Any, as_actor: Any, demo_orgs: Any
) -> None:
    worker = as_actor("coordinator")
    for i in range(7):
        made = intake.create(
            actor=worker,
            data={"kind": "sexual_exploitation", "description": str(i), "country": "UKR"},
        )
        stages.advance(actor=worker, complaint=made, stage="assessment")
    for _ in range(2):
        intake.create(
            actor=worker, data={"kind": "sexual_abuse", "description": "x", "country": "UKR"}
        )
    intake.create(
        actor=worker, data={"kind": "sexual_harassment", "description": "x", "country": "UKR"}
    )
    stats = api(None).get("/api/v1/complaints/statistics").json()
    assert stats["total"] == 10
    assert stats["by_type"]["sexual_exploitation"] == 7
    assert (
        stats["by_type"]["sexual_abuse"] is None and stats["by_type"]["sexual_harassment"] is None
    )
    # Intake (3) is small; with the total shown, assessment (7) would give it back.
    assert stats["by_stage"]["assessment"] is None and stats["by_stage"]["intake"] is None
    assert stats["median_days"]["intake"] is not None and stats["stages_measured"]["intake"] == 7
    assert stats["median_days"]["assessment"] is None
    page = api(None).client.get("/cases/complaints/statistics/")
    assert page.status_code == 200 and "&lt;5" in page.content.decode()
