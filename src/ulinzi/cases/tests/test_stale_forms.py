"""A page's smaller forms, sent after someone else changed the record: nothing is
done, and the page comes back (409) as the record is now, with what the user typed."""

from __future__ import annotations

from typing import Any

import pytest

from ulinzi.cases.models import Complaint, ProtectiveMeasure, Referral

from .test_audit_risk import IPV_NO

pytestmark = pytest.mark.django_db

SAID = "Someone else changed this record after you opened it"


def _stale(answer: Any, *typed: str) -> str:
    assert answer.status_code == 409, answer.status_code
    html: str = answer.content.decode()
    assert SAID in html
    for text in typed:
        assert text in html, text
    return html


def test_a_stale_decline_keeps_its_reason(referral: Referral, verified: Any, as_actor: Any) -> None:
    from ulinzi.cases.services import referrals

    page = verified("case_worker2")
    page.get(f"/cases/referrals/{referral.pk}/")
    referrals.respond(actor=as_actor("case_worker2"), referral=referral, accept=True)  # a colleague
    answer = page.post(
        f"/cases/referrals/{referral.pk}/act/",
        {"action": "decline", "reason": "No bed free before Friday", "version": "1"},
    )
    html = _stale(answer, "No bed free before Friday")
    assert 'id="kept"' in html  # the decline form is gone; the reason is shown apart
    referral.refresh_from_db()
    assert (referral.status, referral.response_reason) == ("accepted", "")


def test_a_stale_acceptance_keeps_its_note_in_the_form(referral: Referral, verified: Any) -> None:
    page = verified("case_worker2")
    Referral.objects.filter(pk=referral.pk).update(version=2)  # changed meanwhile
    answer = page.post(
        f"/cases/referrals/{referral.pk}/act/",
        {"action": "accept", "reason": "Room 4 from tonight", "version": "1"},
    )
    _stale(answer, 'name="reason" value="Room 4 from tonight"')
    referral.refresh_from_db()
    assert (referral.status, referral.version) == ("pending", 2)


def test_a_stale_delivery_keeps_the_services(
    referral: Referral, verified: Any, as_actor: Any
) -> None:
    from ulinzi.cases.services import referrals

    receiver = as_actor("case_worker2")
    referrals.respond(actor=receiver, referral=referral, accept=True)
    referrals.deliver(actor=receiver, referral=referral, services="a bed", version=2)
    page = verified("case_worker2")
    answer = page.post(
        f"/cases/referrals/{referral.pk}/act/",
        {"action": "deliver", "services": "legal advice, 1 hour", "version": "2"},
    )
    _stale(answer, 'name="services" value="legal advice, 1 hour"')
    referral.refresh_from_db()
    assert "legal advice" not in referral.services_delivered and referral.version == 3


@pytest.fixture
def complaint(api: Any) -> Complaint:
    made = api("coordinator").post(
        "/api/v1/complaints", {"kind": "sexual_abuse", "description": "x", "country": "UKR"}
    )
    assert made.status_code == 201, made.content
    return Complaint.objects.get(pk=made.json()["id"])


def _advance(api: Any, complaint: Complaint, stage: str) -> None:
    moved = api("coordinator").post(f"/api/v1/complaints/{complaint.pk}/advance", {"stage": stage})
    assert moved.status_code == 200, moved.content


def test_a_stale_subject_keeps_identity_and_organisation(
    complaint: Complaint, api: Any, verified: Any
) -> None:
    page = verified("investigator")
    _advance(api, complaint, "assessment")  # someone else, after the page was opened
    answer = page.post(
        f"/cases/complaints/{complaint.pk}/act/",
        {
            "action": "subject",
            "identity": "Driver of the water truck",
            "organisation": "Contractor Nine",
            "version": "1",
        },
    )
    _stale(answer, 'value="Driver of the water truck"', 'value="Contractor Nine"')
    complaint.refresh_from_db()
    assert (complaint.subject_identity, complaint.subject_organisation) == ("", "")


def test_a_stale_stage_change_keeps_the_stage_and_owner(
    complaint: Complaint, api: Any, verified: Any
) -> None:
    page = verified("coordinator")
    _advance(api, complaint, "assessment")
    answer = page.post(
        f"/cases/complaints/{complaint.pk}/act/",
        {"action": "advance", "stage": "investigation", "owner": "investigator", "version": "1"},
    )
    _stale(
        answer,
        '<option value="investigation" selected>',
        '<option value="investigator" selected>',
    )
    complaint.refresh_from_db()
    assert (complaint.stage, complaint.version) == ("assessment", 2)


def test_a_stale_assignment_keeps_the_owner(complaint: Complaint, api: Any, verified: Any) -> None:
    page = verified("coordinator")
    _advance(api, complaint, "assessment")
    answer = page.post(
        f"/cases/complaints/{complaint.pk}/act/",
        {"action": "assign", "owner": "investigator", "version": "1"},
    )
    _stale(answer, '<option value="investigator" selected>')
    assert Complaint.objects.get(pk=complaint.pk).version == 2


def test_a_stale_measure_status_keeps_the_choice(api: Any, case: Any, verified: Any) -> None:
    worker = api("case_worker")
    worker.post(
        f"/api/v1/cases/{case.pk}/risk-assessments", {"instrument": "ipv", "answers": IPV_NO}
    )
    worker.post(
        f"/api/v1/cases/{case.pk}/consents",
        {"purpose": "protection", "recipient": "amani", "scope": ["area", "risk_level"]},
    )
    mid = worker.post(
        f"/api/v1/cases/{case.pk}/measures", {"kind": "police_patrol", "owner": "amani"}
    ).json()["id"]
    changed = worker.patch(f"/api/v1/cases/measures/{mid}", {"owner_contact": "desk 3"})
    assert changed.status_code == 200, changed.content
    page = verified("coordinator2")
    answer = page.post(
        f"/cases/measures/{mid}/",
        {"status": "ended", "back": "protocol", "version": "1"},
    )
    _stale(answer, '<option value="ended" selected>')
    measure = ProtectiveMeasure.objects.get(pk=mid)
    assert (measure.status, measure.version) == ("planned", 2)


def test_a_stage_owner_is_chosen_from_the_people_who_may_own_it(
    complaint: Complaint, verified: Any
) -> None:
    """The owner boxes list the organisation's coordinators and investigators by name;
    nobody types a username, and nobody else is offered."""
    from ulinzi.accounts.models import Membership, User

    org = complaint.organisation
    outsider = User.objects.create(username="outsider_monitor", first_name="Not", last_name="Here")
    Membership.objects.create(user=outsider, organisation=org, role="monitor")
    named = User.objects.get(username="investigator")
    named.first_name, named.last_name = "Ines", "Vega"
    named.save(update_fields=["first_name", "last_name"])
    html = verified("coordinator").get(f"/cases/complaints/{complaint.pk}/").content.decode()
    assert 'name="owner"' in html and '<input name="owner"' not in html
    assert html.count('<option value="investigator">Ines Vega</option>') == 2  # move and assign
    assert 'value="coordinator"' in html
    assert "outsider_monitor" not in html
