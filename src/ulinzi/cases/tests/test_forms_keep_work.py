"""Forms that protect the user's work: an empty complaint is refused with what is
missing and what was typed kept; a referral refused for lack of consent keeps the
chosen need, service and note, and opens the consent form for that organisation."""

from __future__ import annotations

from typing import Any

from ulinzi.cases.models import Complaint, Referral


def test_an_empty_complaint_is_refused_and_what_was_typed_is_kept(verified: Any) -> None:
    client = verified("investigator")
    empty = client.post("/cases/complaints/new/", {"source": "named", "kind": "sexual_abuse"})
    assert empty.status_code == 200
    html = empty.content.decode()
    assert "say what happened" in html and "give the country" in html
    assert Complaint.objects.count() == 0
    half = client.post(
        "/cases/complaints/new/",
        {"source": "staff", "kind": "sexual_harassment", "complainant_name": "Amina K."},
    ).content.decode()
    assert 'value="Amina K."' in half
    assert '<option value="sexual_harassment" selected>' in half
    assert '<option value="staff" selected>' in half
    assert Complaint.objects.count() == 0


def test_a_referral_refused_for_lack_of_consent_keeps_the_choice_and_offers_the_consent(
    case: Any, shelter: Any, verified: Any
) -> None:
    client = verified("case_worker")
    page = client.post(
        f"/cases/{case.pk}/refer/",
        {"service": str(shelter.pk), "need": "safety_shelter", "note": "Needs a bed tonight"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert Referral.objects.count() == 0
    assert 'value="Needs a bed tonight"' in html
    assert f'<option value="{shelter.pk}" selected>' in html
    assert '<input type="hidden" name="need" value="safety_shelter">' in html
    assert 'id="consent-missing"' in html
    assert '<option value="amani" selected>' in html  # the consent form, filled in


def test_a_referral_with_consent_is_sent(
    case: Any, consent_for_amani: Any, shelter: Any, verified: Any
) -> None:
    sent = verified("case_worker").post(
        f"/cases/{case.pk}/refer/", {"service": str(shelter.pk), "note": "x"}
    )
    assert sent.status_code == 302
    assert Referral.objects.get().note == "x"
