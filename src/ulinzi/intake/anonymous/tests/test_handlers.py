"""Handlers: the queue and its access rules, replies, stages, turning into an incident."""

from __future__ import annotations

from datetime import date
from typing import Any

from ulinzi.accounts.access import actor_for
from ulinzi.audit.models import AuditEvent
from ulinzi.incidents import services as incident_services
from ulinzi.incidents.models import Incident
from ulinzi.intake.anonymous.models import AnonymousReport
from ulinzi.intake.anonymous.tests.conftest import REPORT

BASE = "/api/v1/reports/anonymous"


def test_who_sees_the_queue(submit: Any, api: Any) -> None:
    submit()
    report = AnonymousReport.objects.get()
    for who in ("coordinator", "investigator"):
        listed = api(who).get(f"{BASE}/queue")
        assert listed.status_code == 200
        assert [i["id"] for i in listed.json()] == [str(report.pk)]
        assert "what_happened" not in listed.json()[0]
        read = api(who).get(f"{BASE}/queue/{report.pk}")
        assert read.status_code == 200
        assert read.json()["what_happened"] == REPORT["what_happened"]
    # The other organisation's coordinator: an empty queue and no way to the report.
    assert api("coordinator2").get(f"{BASE}/queue").json() == []
    assert api("coordinator2").get(f"{BASE}/queue/{report.pk}").status_code == 404
    for who in ("analyst", "admin", "monitor", "case_worker", "reporter", "party_focal_point"):
        assert api(who).get(f"{BASE}/queue").status_code == 403, who
        assert api(who).get(f"{BASE}/queue/{report.pk}").status_code == 403, who
        answer = api(who).post(f"{BASE}/queue/{report.pk}/incident")
        assert answer.status_code == 403, who
    assert api(None).get(f"{BASE}/queue").status_code == 401
    assert not Incident.objects.exists()


def test_reading_a_report_is_audited(submit: Any, api: Any) -> None:
    submit()
    report = AnonymousReport.objects.get()
    api("coordinator").get(f"{BASE}/queue/{report.pk}")
    event = AuditEvent.objects.get(object_type="anonymous_report", action="read")
    assert event.object_id == str(report.pk) and event.username == "coordinator"
    assert "what_happened" in event.fields


def test_stage_changes_show_to_the_reporter(submit: Any, api: Any) -> None:
    receipt = submit()
    report = AnonymousReport.objects.get()
    bad = api("coordinator").post(f"{BASE}/queue/{report.pk}/stage", {"stage": "lost"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "stage"
    moved = api("coordinator").post(f"{BASE}/queue/{report.pk}/stage", {"stage": "acted_on"})
    assert moved.status_code == 200 and moved.json()["stage"] == "acted_on"
    seen = api(None).post(f"{BASE}/status", {"receipt": receipt}).json()
    assert (seen["stage"], seen["stage_label"]) == ("acted_on", "Referred or acted on")
    assert api("coordinator").get(f"{BASE}/queue?stage=acted_on").json()[0]["stage"] == "acted_on"
    assert api("coordinator").get(f"{BASE}/queue?stage=received").json() == []


def test_turning_a_report_into_an_incident(submit: Any, api: Any, user: Any) -> None:
    submit(category="health_care_attack", occurred_on="2025-02", admin1_name="Donetska")
    report = AnonymousReport.objects.get()
    made = api("investigator").post(f"{BASE}/queue/{report.pk}/incident")
    assert made.status_code == 201, made.content
    incident = Incident.objects.get(pk=made.json()["incident"])
    assert incident.organisation.code == "cluster"
    assert incident.domain == "health_care_attack"
    assert (incident.occurred_on, incident.occurred_precision) == (date(2025, 2, 1), "month")
    assert (incident.country, incident.admin1_name) == ("UKR", "Donetska")
    assert incident.certainty == "rumour"
    assert incident.source_id == f"anonymous:{report.pk}"
    assert incident.narrative == REPORT["what_happened"]
    assert incident.reported_by == user("investigator")
    assert incident.raw_source == {"intake": "anonymous", "anonymous_report": str(report.pk)}
    report.refresh_from_db()
    assert report.incident_id == incident.pk and report.stage == "under_review"
    again = api("coordinator").post(f"{BASE}/queue/{report.pk}/incident")
    assert again.status_code == 200 and again.json() == {
        "incident": str(incident.pk),
        "created": False,
    }
    assert Incident.objects.count() == 1
    # The coordinator reads the narrative through the incident like any other.
    who = actor_for(user("coordinator"))
    assert incident_services.read_narrative(actor=who, incident=incident) == REPORT["what_happened"]
    assert api("coordinator").get(f"{BASE}/queue/{report.pk}").json()["incident"] == str(
        incident.pk
    )


def test_the_queue_pages(submit: Any, client: Any, user: Any) -> None:
    submit(category="protection")
    report = AnonymousReport.objects.get()
    client.force_login(user("coordinator"))
    listing = client.get("/anonymous/queue/")
    assert listing.status_code == 200 and str(report.pk).encode() in listing.content
    page = client.get(f"/anonymous/queue/{report.pk}/")
    assert page.status_code == 200 and REPORT["what_happened"].encode() in page.content
    replied = client.post(f"/anonymous/queue/{report.pk}/reply/", {"body": "We are on it."})
    assert replied.status_code == 302
    assert report.messages.get().body == "We are on it."
    staged = client.post(f"/anonymous/queue/{report.pk}/stage/", {"stage": "closed"})
    assert staged.status_code == 302
    report.refresh_from_db()
    assert report.stage == "closed"
    made = client.post(f"/anonymous/queue/{report.pk}/incident/")
    assert made.status_code == 302
    report.refresh_from_db()
    assert made["Location"] == f"/incidents/{report.incident_id}/"
    assert Incident.objects.get().domain == "protection"

    client.force_login(user("analyst"))
    assert client.get("/anonymous/queue/").status_code == 403
    assert client.get(f"/anonymous/queue/{report.pk}/").status_code == 404
    client.force_login(user("coordinator2"))
    assert client.get(f"/anonymous/queue/{report.pk}/").status_code == 404
    assert client.post(f"/anonymous/queue/{report.pk}/reply/", {"body": "x"}).status_code == 404
    assert client.post(f"/anonymous/queue/{report.pk}/incident/").status_code == 404
    assert report.messages.count() == 1
