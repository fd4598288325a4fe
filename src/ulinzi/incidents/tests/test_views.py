"""The incident pages through Django's test client: list filters, detail with history,
the form and its errors, access per role, and the audit of narrative reads."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from ulinzi.accounts.models import Membership
from ulinzi.audit.models import AuditEvent
from ulinzi.incidents import views
from ulinzi.incidents.models import Incident

PASSWORD = "ulinzi-demo"


def signed_in(username: str, language: str | None = None) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    if language:
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client


def form_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "domain": "protection",
        "types": ["forced_displacement"],
        "occurred_on": "2025-02-03",
        "occurred_precision": "day",
        "country": "UKR",
        "admin1_name": "Kharkiv",
        "cause": "armed_conflict",
        "killed": "3",
        "narrative": "Families left at night after threats.",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def field_error(html: str, field: str) -> str:
    """The error text shown next to ``field`` (empty if none)."""
    found = re.search(
        rf'<(?:p|span) class="error" id="id_{field}-error">(.*?)</(?:p|span)>', html, re.S
    )
    return found.group(1).strip() if found else ""


def rows(html: str) -> list[str]:
    body = html.split('<table class="incidents">', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)


# -- list and filters ------------------------------------------------------------------


def test_the_list_filters_and_keeps_the_filters_in_the_url(make_incident: Any) -> None:
    make_incident(
        domain="protection", country="UKR", admin1_name="Kharkiv", occurred_on="2025-01-10"
    )
    make_incident(domain="protection", country="UKR", admin1_name="Odesa", occurred_on="2024-06-01")
    make_incident(
        domain="health_care_attack",
        types=["individual_weapons"],
        country="SDN",
        admin1_name="Khartoum",
        occurred_on="2025-03-01",
    )
    client = signed_in("monitor")

    assert len(rows(client.get("/incidents/").content.decode())) == 3

    html = client.get("/incidents/?domain=protection&date_from=2025-01-01").content.decode()
    found = rows(html)
    assert len(found) == 1 and "Kharkiv" in found[0]
    # The filters show what was asked, so the next submission keeps them.
    assert '<option value="protection" selected>' in html
    assert 'name="date_from" id="f-from" value="2025-01-01"' in html
    assert "Clear filters" in html

    html = client.get("/incidents/?country=SDN").content.decode()
    assert len(rows(html)) == 1 and "Khartoum" in html
    assert '<option value="SDN" selected>' in html

    html = client.get("/incidents/?type=individual_weapons").content.decode()
    assert len(rows(html)) == 1
    html = client.get("/incidents/?type=none&perpetrator=none").content.decode()
    assert len(rows(html)) == 2 and not any("Khartoum" in row for row in rows(html))
    assert '<option value="none" selected>Not recorded</option>' in html
    html = client.get("/incidents/?admin1=odesa").content.decode()
    assert len(rows(html)) == 1 and "Odesa" in html
    html = client.get("/incidents/?status=verified").content.decode()
    assert rows(html) == ['<td colspan="9">No incident matches these filters.</td>']


def test_pages_of_the_list_keep_the_filters(
    make_incident: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for day in range(1, 6):
        make_incident(domain="protection", occurred_on=f"2025-01-0{day}")
    make_incident(domain="gbv", occurred_on="2025-01-09")
    html = signed_in("monitor").get("/incidents/?domain=protection").content.decode()
    assert "5 incidents" in html
    assert 'href="?domain=protection&amp;page=2"' in html
    page2 = signed_in("monitor").get("/incidents/?domain=protection&page=3").content.decode()
    assert len(rows(page2)) == 1
    assert 'href="?domain=protection&amp;page=2"' in page2


def test_a_bad_filter_is_reported_and_left_out(make_incident: Any) -> None:
    make_incident()
    html = signed_in("monitor").get("/incidents/?date_from=yesterday").content.decode()
    assert "were not understood" in html and "date_from" in html
    assert len(rows(html)) == 1


def test_the_type_menu_of_the_filters_is_grouped_by_domain(demo_orgs: Any) -> None:
    html = signed_in("monitor").get("/incidents/").content.decode()
    for domain in ("health_care_attack", "grave_violation", "gbv", "seah", "protection"):
        assert f'data-domain="{domain}"' in html
    assert 'data-domain-select="type"' in html


# -- access ----------------------------------------------------------------------------


def test_a_reporter_sees_only_what_they_reported(make_incident: Any) -> None:
    theirs = make_incident("reporter", admin1_name="Reported by reporter")
    other = make_incident("monitor", admin1_name="Reported by monitor")
    client = signed_in("reporter")
    html = client.get("/incidents/").content.decode()
    assert "Reported by reporter" in html
    assert "Reported by monitor" not in html
    assert client.get(f"/incidents/{theirs.id}/").status_code == 200
    assert client.get(f"/incidents/{other.id}/").status_code == 404  # existence not revealed


@pytest.mark.parametrize("username", ["party_focal_point", "party_focal_point2"])
def test_a_user_without_rights_gets_403(demo_orgs: Any, username: str) -> None:
    client = signed_in(username)
    for path in ("/incidents/", "/incidents/new/"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Not allowed" in response.content.decode()


def test_roles_that_cannot_record_or_edit_get_403(make_incident: Any) -> None:
    incident = make_incident("monitor")
    analyst = signed_in("analyst")
    assert analyst.get("/incidents/new/").status_code == 403
    assert analyst.post("/incidents/new/", form_data()).status_code == 403
    assert analyst.get(f"/incidents/{incident.id}/edit/").status_code == 403
    assert analyst.post(f"/incidents/{incident.id}/verify/").status_code == 403
    assert Incident.objects.count() == 1
    # The other organisation never sees cluster's GBV incidents (not shared).
    gbv = make_incident("monitor", domain="gbv")
    assert signed_in("monitor2").get(f"/incidents/{gbv.id}/").status_code == 404


# -- detail, history and the audit of narratives -----------------------------------------


def test_reading_a_narrative_is_audited(make_incident: Any) -> None:
    incident = make_incident("monitor", narrative="The nurse was threatened at the gate.")
    html = signed_in("coordinator").get(f"/incidents/{incident.id}/").content.decode()
    assert "The nurse was threatened at the gate." in html
    event = AuditEvent.objects.get(object_id=str(incident.id), action="read")
    assert event.username == "coordinator"
    assert event.fields == ["narrative"]
    assert event.object_type == "incident"
    assert event.owner_organisation == "cluster"


def test_roles_without_need_neither_see_the_narrative_nor_leave_a_read(
    make_incident: Any,
) -> None:
    incident = make_incident("monitor", narrative="The nurse was threatened at the gate.")
    html = signed_in("analyst").get(f"/incidents/{incident.id}/").content.decode()
    assert "threatened" not in html
    assert not AuditEvent.objects.filter(object_id=str(incident.id)).exists()


def test_the_detail_page_shows_the_history(make_incident: Any, user: Any) -> None:
    incident = make_incident("monitor", killed=1, admin1_name="Kharkiv")
    monitor = signed_in("monitor")
    response = monitor.post(
        f"/incidents/{incident.id}/edit/",
        form_data(killed="4", admin1_name="Kharkiv", version=incident.version),
    )
    assert response.status_code == 302
    coordinator = signed_in("coordinator")
    coordinator.post(f"/incidents/{incident.id}/verify/", {"certainty": "confirmed"})
    html = coordinator.get(f"/incidents/{incident.id}/").content.decode()
    history = html.split("<h2>History</h2>", 1)[1]
    assert history.index("recorded") < history.index("changed") < history.index("verified")
    assert "Killed: 1" in history  # as recorded
    assert re.search(r"Killed: 1 <span aria-hidden=\"true\">→</span>.*? 4", history)
    assert "Forced displacement" in history  # types in words, not codes
    assert "Certainty: — <span" in history and "Confirmed" in history
    assert "monitor" in history and "coordinator" in history
    assert 'class="status status-verified"' in html


def test_a_rejection_needs_a_reason(make_incident: Any) -> None:
    incident = make_incident("monitor")
    client = signed_in("coordinator")
    page = client.post(f"/incidents/{incident.id}/reject/", {"reason": " "}, follow=True)
    assert "Give a reason to reject the incident." in page.content.decode()
    incident.refresh_from_db()
    assert incident.status == "submitted"
    client.post(f"/incidents/{incident.id}/reject/", {"reason": "Same event as another"})
    incident.refresh_from_db()
    assert (incident.status, incident.status_reason) == ("rejected", "Same event as another")


# -- the form --------------------------------------------------------------------------


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


def test_a_dashboard_link_with_several_statuses_keeps_them(make_incident: Any) -> None:
    make_incident(admin1_name="Counted")
    rejected = make_incident(admin1_name="Rejected one")
    rejected.status = "rejected"
    rejected.save()
    html = signed_in("monitor").get("/incidents/?status=draft,submitted,verified").content.decode()
    assert len(rows(html)) == 1 and "Counted" in html
    # The menu keeps the combined value, so filtering again does not drop it.
    assert (
        '<option value="draft,submitted,verified" selected>Draft, Submitted, Verified</option>'
        in html
    )
