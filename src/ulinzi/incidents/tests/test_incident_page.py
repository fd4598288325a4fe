"""One incident's page through Django's test client: who may open it, the audit of
narrative reads, its history, and a rejection's reason."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ulinzi.audit.models import AuditEvent
from ulinzi.incidents.models import Incident
from ulinzi.incidents.tests.pages import form_data, signed_in


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
