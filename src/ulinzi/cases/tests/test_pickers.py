"""Case pages let people choose by name what they used to type as a code: the consent's
recipient and a measure's owner (organisations), the case's country, the pathway's need,
a complaint's country; a name typed by hand is understood, a wrong one named."""

from __future__ import annotations

from typing import Any

from ulinzi.cases.models import Case, Consent


def test_the_consent_recipient_is_chosen_or_typed_by_name(case: Any, verified: Any) -> None:
    client = verified("case_worker")
    html = client.get(f"/cases/{case.pk}/").content.decode()
    recipient = html.split('name="recipient"', 1)[1].split("</select>", 1)[0]
    assert '<option value="amani">' in recipient and "Amani" in recipient
    for typed in ("Amani", "AMANI"):
        consent = {"purpose": "protection", "recipient": typed, "scope": ["area"]}
        client.post(f"/cases/{case.pk}/consents/", {**consent, "given_by": "survivor"})
    assert Consent.objects.filter(case=case, recipient__code="amani").count() == 2
    refused = client.post(
        f"/cases/{case.pk}/consents/",
        {"purpose": "protection", "recipient": "Amanii", "scope": ["area"], "given_by": "survivor"},
        follow=True,
    ).content.decode()
    assert "“Amanii” is not an organisation of the list." in refused
    assert Consent.objects.filter(case=case).count() == 2


def test_the_pathway_need_is_a_list_of_needs_in_words(case: Any, verified: Any) -> None:
    html = verified("case_worker").get(f"/cases/{case.pk}/", {"need": "psychosocial"}).content
    form = html.decode().split('name="need" data-autosubmit', 1)[1].split("</select>", 1)[0]
    assert '<option value="psychosocial" selected>Psychosocial support</option>' in form
    assert "<input" not in form


def test_a_case_is_opened_with_a_country_chosen_or_typed_by_name(verified: Any) -> None:
    client = verified("case_worker")
    page = client.get("/cases/new/").content.decode()
    assert '<option value="UKR">Ukraine</option>' in page
    client.post("/cases/new/", {"country": "ukraine", "sex": "female", "age_group": "adult"})
    assert Case.objects.get().country == "UKR"
    refused = client.post("/cases/new/", {"country": "Ukr aine", "sex": "female"})
    assert "“Ukr aine” is not a country of the list." in refused.content.decode()
    assert Case.objects.count() == 1


def test_a_complaint_country_is_chosen_from_the_list(verified: Any) -> None:
    html = verified("investigator").get("/cases/complaints/new/").content.decode()
    select = html.split('<select name="country"', 1)[1].split("</select>", 1)[0]
    assert '<option value="SDN">Sudan</option>' in select


def test_pages_with_pickers_still_refuse_other_organisations(
    case: Any, verified: Any, third_org: Any
) -> None:
    response = verified("case_worker3").get(f"/cases/{case.pk}/")
    assert response.status_code == 404
    response = verified("case_worker3").post(
        f"/cases/{case.pk}/consents/",
        {"purpose": "protection", "recipient": "third", "scope": ["area"], "given_by": "survivor"},
    )
    assert response.status_code == 404
    assert not Consent.objects.filter(recipient__code="third").exists()
