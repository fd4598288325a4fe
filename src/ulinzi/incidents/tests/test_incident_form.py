"""The incident form through Django's test client: recording and editing, each mistake
on its field in the user's language, the rules applied once, and the organisation
chosen by a member of two."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone, translation

from ulinzi.accounts.models import Membership
from ulinzi.incidents.models import Incident
from ulinzi.incidents.tests.pages import field_error, form_data, signed_in


def test_recording_an_incident(demo_orgs: Any, user: Any) -> None:
    client = signed_in("monitor")
    form = client.get("/incidents/new/").content.decode()
    for legend in ("What", "When", "Where", "Who", "Impact", "Narrative"):
        assert f"<legend>{legend}</legend>" in form
    # Type checkboxes come in one group per domain, for the script to filter.
    assert '<fieldset class="type-group" data-domain="gbv">' in form
    assert 'data-domain-select="types"' in form
    response = client.post(
        "/incidents/new/", form_data(killed_children="1", lat="49.99", lon="36.23")
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert response["Location"] == f"/incidents/{incident.id}/"
    assert incident.types == ["forced_displacement"]
    assert (incident.killed, incident.killed_children) == (3, 1)
    assert incident.reported_by == user("monitor")
    assert incident.organisation.code == "cluster"
    assert incident.narrative == "Families left at night after threats."
    page = client.get(response["Location"]).content.decode()
    assert "Incident recorded." in page


def test_a_future_date_is_shown_on_the_date_field(demo_orgs: Any) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = signed_in("monitor").post("/incidents/new/", form_data(occurred_on=tomorrow))
    assert page.status_code == 200
    html = page.content.decode()
    assert field_error(html, "occurred_on") == "This date is in the future."
    assert 'id="error-summary"' in html
    assert 'aria-describedby="id_occurred_on-help id_occurred_on-error"' in html
    assert not Incident.objects.exists()
    # What the user typed stays in the form.
    assert 'value="Kharkiv"' in html
    assert "Families left at night after threats." in html


def test_the_errors_are_in_the_users_language(demo_orgs: Any) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = signed_in("monitor", "ar").post("/incidents/new/", form_data(occurred_on=tomorrow))
    with translation.override("ar"):
        expected = translation.gettext("This date is in the future.")
    assert expected != "This date is in the future."
    assert field_error(page.content.decode(), "occurred_on") == expected


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"types": ["no_such_type"]}, "types"),
        ({"domain": "no_such_domain"}, "domain"),
        ({"country": "XYZ"}, "country"),
        ({"cause": "bad_luck"}, "cause"),
        ({"perpetrator": "aliens"}, "perpetrator"),
        ({"resources": ["spaceship"]}, "resources"),
    ],
)
def test_an_unknown_code_is_shown_on_its_field(
    demo_orgs: Any, changes: dict[str, Any], field: str
) -> None:
    html = signed_in("monitor").post("/incidents/new/", form_data(**changes)).content.decode()
    assert "Select a valid choice" in field_error(html, field)
    assert not Incident.objects.exists()


def test_a_type_of_another_domain_is_refused(demo_orgs: Any) -> None:
    html = (
        signed_in("monitor")
        .post("/incidents/new/", form_data(domain="gbv", types=["forced_displacement"]))
        .content.decode()
    )
    assert field_error(html, "types") == "Not a type of this domain: Forced displacement."


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"killed": "2", "killed_children": "5"}, "killed_children", "More than the total (2)."),
        ({"injured": "-1"}, "injured", "Ensure this value is greater than or equal to 0."),
        ({"lat": "12.5"}, "lon", "Give both latitude and longitude, or neither."),
        ({"lat": "95", "lon": "10"}, "lat", "Ensure this value is less than or equal to 90."),
        ({"occurred_on": "1850-01-01"}, "occurred_on", "This date is before 1900."),
        ({"occurred_on": "3 March"}, "occurred_on", "Enter a valid date."),
        ({"country": ""}, "country", "This field is required."),
    ],
)
def test_other_mistakes_are_shown_on_their_field(
    demo_orgs: Any, changes: dict[str, Any], field: str, message: str
) -> None:
    html = signed_in("monitor").post("/incidents/new/", form_data(**changes)).content.decode()
    assert field_error(html, field) == message
    assert not Incident.objects.exists()


def _counting_rules(monkeypatch: Any) -> list[dict[str, Any]]:
    """Each run of the incident rules (the real ones), with the data it was given."""
    from ulinzi.incidents import validation

    runs: list[dict[str, Any]] = []
    clean = validation.clean

    def counted(data: dict[str, Any], **kw: Any) -> dict[str, Any]:
        runs.append(data)
        return clean(data, **kw)

    monkeypatch.setattr(validation, "clean", counted)
    return runs


@pytest.mark.parametrize(
    ("changes", "saved"),
    [({}, True), ({"occurred_on": "1850-01-01"}, False), ({"country": ""}, False)],
)
def test_the_form_applies_the_incident_rules_once(
    demo_orgs: Any, monkeypatch: Any, changes: dict[str, Any], saved: bool
) -> None:
    """Whether the form is saved, refused by a rule or cannot be read."""
    runs = _counting_rules(monkeypatch)
    response = signed_in("monitor").post("/incidents/new/", form_data(**changes))
    assert response.status_code == (302 if saved else 200)
    assert len(runs) == 1
    assert Incident.objects.exists() is saved


def test_a_field_that_cannot_be_read_and_a_broken_rule_are_shown_together(
    demo_orgs: Any,
) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    html = (
        signed_in("monitor")
        .post(
            "/incidents/new/",
            form_data(occurred_on=tomorrow, lat="12.5", lon="", injured="x", country=""),
        )
        .content.decode()
    )
    assert field_error(html, "occurred_on") == "This date is in the future."
    assert field_error(html, "lon") == "Give both latitude and longitude, or neither."
    assert field_error(html, "injured") == "Enter a whole number."
    assert field_error(html, "country") == "This field is required."
    assert not Incident.objects.exists()


def test_editing_refuses_one_coordinate_alone(make_incident: Any) -> None:
    incident = make_incident(lat=49.9, lon=36.2)
    data = form_data(lat="49.9", lon="", version=incident.version)
    html = signed_in("monitor").post(f"/incidents/{incident.id}/edit/", data).content.decode()
    assert field_error(html, "lon") == "Give both latitude and longitude, or neither."
    incident.refresh_from_db()
    assert (incident.lat, incident.lon) == (49.9, 36.2)


def test_a_member_of_two_organisations_chooses_one(demo_orgs: Any, user: Any) -> None:
    Membership.objects.create(user=user("monitor"), organisation=demo_orgs["amani"], role="monitor")
    client = signed_in("monitor")
    assert 'name="organisation"' in client.get("/incidents/new/").content.decode()
    html = client.post("/incidents/new/", form_data()).content.decode()
    assert field_error(html, "organisation") == "This field is required."
    client.post("/incidents/new/", form_data(organisation="amani"))
    assert Incident.objects.get().organisation.code == "amani"


def test_editing_shows_the_recorded_values(make_incident: Any) -> None:
    incident = make_incident(
        "monitor", types=["forced_eviction"], killed=2, narrative="Told by a neighbour."
    )
    html = signed_in("monitor").get(f"/incidents/{incident.id}/edit/").content.decode()
    assert 'value="forced_eviction" id="id_types_6" checked' in html or re.search(
        r'value="forced_eviction"[^>]*checked', html
    )
    assert 'name="killed" value="2"' in html
    assert "Told by a neighbour." in html
    assert 'value="2025-01-15"' in html


def test_a_reporter_records_and_edits_their_own_submission(demo_orgs: Any) -> None:
    client = signed_in("reporter")
    client.post("/incidents/new/", form_data())
    incident = Incident.objects.get()
    response = client.post(
        f"/incidents/{incident.id}/edit/", form_data(killed="5", version=incident.version)
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.killed == 5
