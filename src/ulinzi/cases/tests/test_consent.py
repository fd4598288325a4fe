"""Consent enforcement: sharing blocked without consent, allowed with it, blocked again
(at once, for what was already shared too) after withdrawal, which is itself recorded."""

from __future__ import annotations

from typing import Any

import pytest

from ulinzi.audit.models import AuditEvent
from ulinzi.cases.models import Consent, Referral

pytestmark = pytest.mark.django_db


def test_referral_blocked_without_consent(api: Any, case: Any, shelter: Any) -> None:
    refused = api("case_worker").post(
        f"/api/v1/cases/{case.pk}/referrals", {"service": str(shelter.pk)}
    )
    assert refused.status_code == 403
    assert "consent" in refused.json()["detail"]
    assert not Referral.objects.exists()


def test_consent_for_another_purpose_or_organisation_does_not_cover(
    api: Any, case: Any, shelter: Any
) -> None:
    client = api("case_worker")
    for body in (
        {"purpose": "protection", "recipient": "amani", "scope": ["needs"]},
        {"purpose": "referral", "recipient": "cluster", "scope": ["needs"]},
    ):
        assert client.post(f"/api/v1/cases/{case.pk}/consents", body).status_code == 201
    refused = client.post(f"/api/v1/cases/{case.pk}/referrals", {"service": str(shelter.pk)})
    assert refused.status_code == 403


def test_allowed_with_consent_and_receiver_sees_only_its_scope(
    api: Any, case: Any, shelter: Any
) -> None:
    client = api("case_worker")
    given = client.post(
        f"/api/v1/cases/{case.pk}/consents",
        {"purpose": "referral", "recipient": "amani", "scope": ["needs", "survivor_name"]},
    )
    assert given.status_code == 201, given.content
    sent = client.post(
        f"/api/v1/cases/{case.pk}/referrals", {"service": str(shelter.pk), "note": "tonight"}
    )
    assert sent.status_code == 201, sent.content
    rid = sent.json()["id"]
    seen = api("case_worker2").get(f"/api/v1/referrals/{rid}")
    assert seen.status_code == 200
    shared = seen.json()["shared"]
    assert shared["survivor_name"] == "Olena Test"
    assert shared["needs"] == ["safety_shelter", "psychosocial"]
    assert shared["note"] == "tonight"
    body = seen.content.decode()
    for secret in ("+380 55 555 5555", "Lives behind the market", "Beaten by partner"):
        assert secret not in body
    assert seen.json()["case_id"] is None


def test_withdrawal_stops_sharing_at_once_and_is_recorded(
    api: Any, case: Any, referral: Any, consent_for_amani: Any, shelter: Any
) -> None:
    receiver = api("case_worker2")
    assert receiver.get(f"/api/v1/referrals/{referral.pk}").json()["shared"]["consent_in_force"]
    withdrawn = api("case_worker").post(
        f"/api/v1/cases/{case.pk}/consents/{consent_for_amani.pk}/withdraw",
        {"note": "survivor changed her mind"},
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["in_force"] is False and withdrawn.json()["withdrawn_at"]
    after = receiver.get(f"/api/v1/referrals/{referral.pk}")
    assert after.status_code == 200
    assert after.json()["shared"] == {"reference": case.reference, "consent_in_force": False}
    assert "Olena" not in after.content.decode()
    again = api("case_worker").post(
        f"/api/v1/cases/{case.pk}/referrals", {"service": str(shelter.pk)}
    )
    assert again.status_code == 403
    # The withdrawal is itself on record: the consent row, the timeline and the audit log.
    consent = Consent.objects.get(pk=consent_for_amani.pk)
    assert consent.withdrawal_note == "survivor changed her mind"
    assert consent.withdrawal_recorded_by is not None
    assert consent.withdrawal_recorded_by.username == "case_worker"
    assert case.timeline.filter(kind="consent_withdrawn").exists()
    assert AuditEvent.objects.filter(object_id=str(case.pk), action="consent_withdrawn").exists()
    assert AuditEvent.objects.filter(object_id=str(case.pk), action="read_shared_refused").exists()
    twice = api("case_worker").post(
        f"/api/v1/cases/{case.pk}/consents/{consent_for_amani.pk}/withdraw", {}
    )
    assert twice.status_code == 422


def test_consent_input_is_checked(api: Any, case: Any) -> None:
    bad = api("case_worker").post(
        f"/api/v1/cases/{case.pk}/consents",
        {"purpose": "gossip", "recipient": "nobody", "scope": ["diary"], "given_by": "neighbour"},
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {
        "purpose",
        "recipient",
        "scope",
        "given_by",
    }


def test_measure_by_another_agency_needs_a_protection_consent(api: Any, case: Any) -> None:
    client = api("case_worker")
    body = {"kind": "police_patrol", "owner": "amani"}
    assert client.post(f"/api/v1/cases/{case.pk}/measures", body).status_code == 403
    client.post(
        f"/api/v1/cases/{case.pk}/consents",
        {"purpose": "protection", "recipient": "amani", "scope": ["area"]},
    )
    assert client.post(f"/api/v1/cases/{case.pk}/measures", body).status_code == 201
