"""Versions of case files, referrals, protective measures and complaints: an ETag on
reads and writes, a stale If-Match refused with 412 and the current version."""

from __future__ import annotations

from typing import Any

import pytest

from ulinzi.cases.models import Case, Complaint, ProtectiveMeasure, Referral

pytestmark = pytest.mark.django_db


def _send(client: Any, method: str, path: str, body: Any, if_match: str) -> Any:
    return getattr(client.client, method)(
        path, data=body, content_type="application/json", HTTP_IF_MATCH=if_match, **client.headers
    )


def _refused_with(answer: Any, current: int) -> None:
    assert answer.status_code == 412, answer.content
    assert answer["Content-Type"] == "application/problem+json"
    assert (answer["ETag"], answer.json()["version"]) == (f'"{current}"', current)


def test_a_case_file(api: Any, case: Case) -> None:
    worker = api("case_worker")
    url = f"/api/v1/cases/{case.pk}"
    assert worker.get(url)["ETag"] == '"1"'
    assert worker.patch(url, {"admin1_name": "Kharkivska"})["ETag"] == '"2"'  # someone else
    _refused_with(_send(worker, "patch", url, {"summary": "Moved to a shelter"}, '"1"'), 2)
    case.refresh_from_db()
    assert (case.summary, case.admin1_name) == (
        "Beaten by partner; needs a safe place tonight.",
        "Kharkivska",
    )
    done = _send(worker, "patch", url, {"summary": "Moved to a shelter"}, '"2"')
    assert (done.status_code, done["ETag"], done.json()["version"]) == (200, '"3"', 3)


def test_a_risk_assessment_moves_the_case_on(api: Any, case: Case) -> None:
    """Writes that change the case as a side effect (its risk level, its flag) count too."""
    from .test_audit_risk import IPV_NO

    worker = api("case_worker")
    answers = {**IPV_NO, "strangled": True}
    made = worker.post(
        f"/api/v1/cases/{case.pk}/risk-assessments", {"instrument": "ipv", "answers": answers}
    )
    assert made.status_code == 201, made.content
    case.refresh_from_db()
    assert case.risk_level != "none" and case.version > 1
    stale = _send(worker, "patch", f"/api/v1/cases/{case.pk}", {"sex": "male"}, '"1"')
    _refused_with(stale, case.version)


def test_a_referral(api: Any, referral: Referral) -> None:
    receiver = api("case_worker2")
    url = f"/api/v1/referrals/{referral.pk}"
    assert receiver.get(url)["ETag"] == '"1"'
    accepted = _send(receiver, "post", f"{url}/respond", {"accept": True}, '"1"')
    assert (accepted.status_code, accepted["ETag"]) == (200, '"2"')
    _refused_with(_send(receiver, "post", f"{url}/deliver", {"services": "a bed"}, '"1"'), 2)
    _refused_with(_send(receiver, "post", f"{url}/close", {}, '"1"'), 2)
    referral.refresh_from_db()
    assert (referral.status, referral.services_delivered, referral.version) == ("accepted", "", 2)


def test_a_protective_measure(api: Any, case: Case) -> None:
    worker = api("case_worker")
    made = worker.post(f"/api/v1/cases/{case.pk}/measures", {"kind": "safe_shelter"})
    assert made.status_code == 201 and made.json()["version"] == 1
    url = f"/api/v1/cases/measures/{made.json()['id']}"
    assert worker.patch(url, {"owner_contact": "desk 3"})["ETag"] == '"2"'
    _refused_with(_send(worker, "patch", url, {"status": "ended"}, '"1"'), 2)
    measure = ProtectiveMeasure.objects.get(pk=made.json()["id"])
    assert (measure.status, measure.owner_contact) == ("planned", "desk 3")


def test_a_complaint(api: Any, demo_orgs: Any) -> None:
    handler = api("coordinator")
    made = handler.post(
        "/api/v1/complaints", {"kind": "sexual_abuse", "description": "x", "country": "UKR"}
    )
    assert made.status_code == 201, made.content
    url = f"/api/v1/complaints/{made.json()['id']}"
    assert handler.get(url)["ETag"] == '"1"'
    moved = _send(handler, "post", f"{url}/advance", {"stage": "assessment"}, '"1"')
    assert (moved.status_code, moved["ETag"], moved.json()["version"]) == (200, '"2"', 2)
    _refused_with(_send(handler, "post", f"{url}/advance", {"stage": "outcome"}, '"1"'), 2)
    _refused_with(
        _send(api("investigator"), "post", f"{url}/subject", {"identity": "someone"}, '"1"'), 2
    )
    complaint = Complaint.objects.get(pk=made.json()["id"])
    assert (complaint.stage, complaint.subject_identity, complaint.version) == ("assessment", "", 2)


def test_a_stale_page_action_is_refused_and_said(referral: Referral, verified: Any) -> None:
    page = verified("case_worker2")
    shown = page.get(f"/cases/referrals/{referral.pk}/").content.decode()
    assert 'name="version" value="1"' in shown
    Referral.objects.filter(pk=referral.pk).update(version=2)  # changed meanwhile
    answer = page.post(
        f"/cases/referrals/{referral.pk}/act/",
        {"action": "decline", "reason": "no bed", "version": "1"},
        follow=True,
    )
    assert "Someone else changed this record after you opened it" in answer.content.decode()
    referral.refresh_from_db()
    assert referral.status == "pending"
