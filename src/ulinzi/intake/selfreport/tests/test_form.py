"""The self-report page: who may use it, what it offers, and what it records."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ulinzi.incidents.models import Incident
from ulinzi.intake.selfreport import mapping

FORM = {
    "types": ["heavy_weapons", "setting_fire"],
    "occurred_on": "2025-04-02",
    "country": "SDN",
    "admin1_name": "Khartoum",
    "facility_type": "secondary",
    "resources": ["facility", "personnel"],
    "injured": "3",
    "killed": "",
    "perpetrator": "non_state_armed_group",
    "conflict_related": "yes",
    "other_cause": "other",
    "narrative": "Shelling hit the maternity ward at night.",
}


def test_the_page_is_for_those_who_record_incidents(client: Client, user: Any) -> None:
    client.force_login(user("reporter"))
    page = client.get("/report/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'rel="manifest" href="/report/manifest.webmanifest"' in html
    assert 'id="selfreport-config"' in html and "/static/selfreport/report.js" in html
    for code in ("heavy_weapons", "abduction_arrest_detention", "criminalization"):
        assert f'name="types" value="{code}"' in html
    assert 'name="conflict_related" value="yes"' in html
    for who in ("analyst", "admin", "party_focal_point"):
        client.force_login(user(who))
        assert client.get("/report/").status_code == 403, who
        assert client.post("/report/", FORM).status_code == 403, who
    assert not Incident.objects.exists()
    assert Client().get("/report/")["Location"].startswith("/login/")


@pytest.mark.parametrize(
    ("answer", "other", "cause"),
    [("yes", "", "armed_conflict"), ("no", "workplace", "workplace"), ("no", "", "other"),
     ("no", "armed_conflict", "other"), ("unknown", "criminal", "unknown"), ("", "", "unknown")],
)  # fmt: skip
def test_conflict_answer_gives_the_cause(answer: str, other: str, cause: str) -> None:
    assert mapping.cause_for(answer, other) == cause


def test_without_javascript_the_form_records_the_incident_once(client: Client, user: Any) -> None:
    client.force_login(user("reporter"))
    posted = {**FORM, "source_id": "0f9e5a52-3f5c-4c1e-9a55-0d1b3b1c2d3e"}
    assert client.post("/report/", posted).status_code == 302
    assert client.post("/report/", posted).status_code == 302  # resubmitted: no second one
    incident = Incident.objects.get()
    assert incident.reported_by == user("reporter")
    assert incident.organisation.code == "cluster"
    assert incident.source_id == posted["source_id"]
    assert incident.domain == "health_care_attack"
    assert incident.types == ["heavy_weapons", "setting_fire"]
    assert incident.resources == ["facility", "personnel"]
    assert (incident.cause, incident.injured, incident.killed) == ("armed_conflict", 3, None)
    assert incident.narrative == FORM["narrative"]


def test_without_javascript_problems_are_named_and_values_kept(client: Client, user: Any) -> None:
    client.force_login(user("reporter"))
    page = client.post("/report/", {**FORM, "occurred_on": "2999-01-01", "injured": "-2"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "occurred_on: is in the future" in html
    assert "injured: must be a whole number" in html
    assert "Shelling hit the maternity ward at night." in html  # nothing to type again
    assert 'value="heavy_weapons" checked' in html
    assert not Incident.objects.exists()


def test_the_api_takes_the_page_submission_with_the_session_and_csrf(user: Any) -> None:
    """What the page's script does: POST /api/v1/incidents with the session cookie and
    the CSRF token, the device's UUID as source_id; a repeat returns the same incident."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user("reporter"))
    browser.get("/report/")
    token = browser.cookies["csrftoken"].value
    payload = {
        "source_id": "5b0d6a8e-8a43-4a8e-b0b8-6a1f0f6f9d10",
        "domain": "health_care_attack",
        "types": ["individual_weapons"],
        "occurred_on": "2025-05-01",
        "country": "UKR",
        "cause": "workplace",
        "status": "submitted",
        "injured": 1,
    }
    refused = browser.post("/api/v1/incidents", payload, content_type="application/json")
    assert refused.status_code == 403  # no CSRF token
    first = browser.post(
        "/api/v1/incidents", payload, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    again = browser.post(
        "/api/v1/incidents", payload, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Incident.objects.filter(source_id=payload["source_id"]).count() == 1
