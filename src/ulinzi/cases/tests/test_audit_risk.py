"""Every read of a case is audited and shown in "who has seen my file"; the high-risk
protocol: flag, notification, plan, violations."""

from __future__ import annotations

from typing import Any

import pytest

from ulinzi.audit.models import AuditEvent
from ulinzi.cases.models import Case, Notification
from ulinzi.cases.services import risk

pytestmark = pytest.mark.django_db

IPV_NO = {
    "escalation": False,
    "weapon": False,
    "strangled": False,
    "threat_to_kill": False,
    "separation": False,
    "controlling": False,
    "pregnant": False,
    "children_harmed": False,
    "fear": "not",
}


def _events(case: Any) -> list[tuple[str, str, list[str]]]:
    rows = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk)).order_by("id")
    return [(e.username, e.action, list(e.fields)) for e in rows]


def test_every_read_is_audited(api: Any, case: Any, referral: Any) -> None:
    before = len(_events(case))
    worker = api("case_worker")
    reads = [
        ("case_worker", f"/api/v1/cases/{case.pk}", "read", "survivor_name"),
        ("case_worker", f"/api/v1/cases/{case.pk}/notes", "read", "notes"),
        ("case_worker", f"/api/v1/cases/{case.pk}/timeline", "read", "timeline"),
        ("case_worker", f"/api/v1/cases/{case.pk}/consents", "read", "consents"),
        ("case_worker", f"/api/v1/cases/{case.pk}/measures", "read", "measures"),
        ("case_worker", "/api/v1/cases", "list", "reference"),
        ("coordinator", f"/api/v1/cases/{case.pk}", "read", "survivor_contact"),
        ("case_worker2", f"/api/v1/referrals/{referral.pk}", "read_shared", "survivor_name"),
    ]
    for name, path, action, field in reads:
        assert api(name).get(path).status_code == 200, path
        assert _events(case)[-1] == (name, action, _events(case)[-1][2]), path
        assert field in _events(case)[-1][2], path
    assert len(_events(case)) == before + len(reads)
    event = AuditEvent.objects.filter(object_id=str(case.pk), username="case_worker2").get()
    assert event.organisations == ["amani"] and event.owner_organisation == "cluster"
    # Who has seen my file: every one of those reads, with person, organisation and fields.
    log = worker.get(f"/api/v1/cases/{case.pk}/access-log").json()
    seen = {(e["username"], e["action"]) for e in log}
    assert {
        ("case_worker", "read"),
        ("coordinator", "read"),
        ("case_worker2", "read_shared"),
    } <= seen
    assert log[0]["action"] == "read" and log[0]["fields"] == ["access_log"]  # itself, newest


def test_access_log_page(case: Any, verified: Any, api: Any) -> None:
    api("coordinator").get(f"/api/v1/cases/{case.pk}")
    page = verified("case_worker").get(f"/cases/{case.pk}/access-log/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "coordinator" in html and "opened the file" in html


def test_high_risk_creates_the_protocol_flag(api: Any, case: Any, demo_orgs: Any) -> None:
    client = api("case_worker")
    low = client.post(
        f"/api/v1/cases/{case.pk}/risk-assessments", {"instrument": "ipv", "answers": IPV_NO}
    )
    assert low.status_code == 201 and low.json()["level"] == "low"
    assert low.json()["protocol_flag"] is False
    assert not Notification.objects.filter(kind="high_risk").exists()
    # One critical answer (strangulation) lifts the level to at least "high".
    answers = {**IPV_NO, "strangled": True}
    high = client.post(
        f"/api/v1/cases/{case.pk}/risk-assessments", {"instrument": "ipv", "answers": answers}
    )
    assert high.status_code == 201
    assert high.json()["level"] == "high" and high.json()["triggered_protocol"] is True
    assert high.json()["protocol_flag"] is True
    assert Case.objects.get(pk=case.pk).protocol_flag
    told = Notification.objects.filter(kind="high_risk")
    assert [n.user.username for n in told] == ["coordinator"]
    assert case.reference in told[0].title and "Olena" not in told[0].title
    flagged = client.get("/api/v1/cases?flagged=true").json()
    assert [c["reference"] for c in flagged] == [case.reference]
    # A plan clears the flag; ending every measure brings it back.
    made = client.post(f"/api/v1/cases/{case.pk}/measures", {"kind": "safe_shelter"})
    assert made.status_code == 201
    assert not Case.objects.get(pk=case.pk).protocol_flag
    mid = made.json()["id"]
    client.patch(f"/api/v1/cases/measures/{mid}", {"status": "ended"})
    assert Case.objects.get(pk=case.pk).protocol_flag


def test_severe_by_score_and_violation_raises_level(api: Any, case: Any, as_actor: Any) -> None:
    answers = {k: True for k in IPV_NO if k != "fear"} | {"fear": "very"}
    assert risk.score(risk.current("ipv").definition, answers) == (28, "severe")
    client = api("case_worker")
    client.post(
        f"/api/v1/cases/{case.pk}/risk-assessments",
        {"instrument": "ipv", "answers": {**IPV_NO, "controlling": True, "fear": "somewhat"}},
    )
    assert Case.objects.get(pk=case.pk).risk_level == "low"
    client.post(
        f"/api/v1/cases/{case.pk}/consents",
        {"purpose": "protection", "recipient": "amani", "scope": ["area", "risk_level"]},
    )
    mid = client.post(
        f"/api/v1/cases/{case.pk}/measures", {"kind": "police_patrol", "owner": "amani"}
    ).json()["id"]
    # The agency that carries the measure out records the violation from the shared view.
    shared = api("coordinator2").get("/api/v1/cases/protocol").json()
    assert [s["measure"]["id"] for s in shared] == [mid]
    assert set(shared[0]["case"]) == {
        "reference",
        "country",
        "admin1_pcode",
        "admin1_name",
        "risk_level",
    }
    done = api("coordinator2").post(
        f"/api/v1/cases/measures/{mid}/violations", {"description": "seen at the door"}
    )
    assert done.status_code == 201
    assert (done.json()["level_before"], done.json()["level_after"]) == ("low", "medium")
    again = api("case_worker").post(f"/api/v1/cases/measures/{mid}/violations", {})
    assert again.json()["level_after"] == "high"
    assert Notification.objects.filter(kind="high_risk").count() == 2
    assert Notification.objects.filter(kind="protocol", user__username="coordinator2").count() >= 2
    # Amani's other case roles see only the measures amani carries out; cluster's case
    # worker sees its own; a withdrawn protection consent removes the case from the view.
    consent_id = client.get(f"/api/v1/cases/{case.pk}/consents").json()[0]["id"]
    client.post(f"/api/v1/cases/{case.pk}/consents/{consent_id}/withdraw", {})
    assert api("coordinator2").get("/api/v1/cases/protocol").json() == []
    gone = api("coordinator2").patch(f"/api/v1/cases/measures/{mid}", {"status": "ended"})
    assert gone.status_code == 404


def test_instrument_answers_are_checked(api: Any, case: Any) -> None:
    bad = api("case_worker").post(
        f"/api/v1/cases/{case.pk}/risk-assessments",
        {"instrument": "ipv", "answers": {**IPV_NO, "weapon": "maybe", "fear": "x", "extra": 1}},
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {
        "answers.weapon",
        "answers.fear",
        "answers.extra",
    }
    unknown = api("case_worker").post(
        f"/api/v1/cases/{case.pk}/risk-assessments", {"instrument": "nope", "answers": {}}
    )
    assert unknown.status_code == 404
    listed = api("case_worker").get("/api/v1/cases/risk-instruments").json()
    assert {i["code"] for i in listed} == {"ipv", "health_worker_threat"}


def test_instruments_are_versioned_data(tmp_path: Any, demo_orgs: Any) -> None:
    import json

    from ulinzi.cases.services.risk import INSTRUMENT_DIR, sync_instruments

    definition = json.loads((INSTRUMENT_DIR / "ipv.json").read_text())
    sync_instruments()
    definition["version"] = 2
    definition["thresholds"] = {"low": 0, "medium": 1, "high": 2, "severe": 3}
    (tmp_path / "ipv2.json").write_text(json.dumps(definition))
    assert sync_instruments(tmp_path) == 1
    assert risk.current("ipv").version == 2
    assert risk.score(risk.current("ipv").definition, {**IPV_NO, "pregnant": True})[1] == "high"
    broken = {**definition, "version": 3, "thresholds": {"low": 0, "medium": 6, "high": 5}}
    (tmp_path / "ipv3.json").write_text(json.dumps(broken))
    with pytest.raises(AssertionError):
        sync_instruments(tmp_path)
