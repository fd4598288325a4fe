"""The anonymous intake API: submission, status, messages; bad input; no receipt in URLs."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import URLResolver, get_resolver

from ulinzi.intake.anonymous.models import AnonymousReport
from ulinzi.intake.anonymous.tests.conftest import REPORT

BASE = "/api/v1/reports/anonymous"


def test_submit_answers_with_a_receipt_and_keeps_the_report(submit: Any, all_rows: Any) -> None:
    receipt = submit()
    assert len(receipt) == 24 and receipt.count("-") == 4
    report = AnonymousReport.objects.get()
    assert report.category == "seah"
    assert report.occurred_on == date(2025, 3, 1)
    assert report.occurred_precision == "month"
    assert report.organisation is not None and report.organisation.code == "cluster"
    assert report.stage == "received"
    assert report.what_happened == REPORT["what_happened"]
    dump = all_rows()
    assert REPORT["what_happened"] not in dump  # encrypted at rest
    assert REPORT["contact_preference"] not in dump


def test_a_day_may_be_given(submit: Any) -> None:
    submit(occurred_on="2025-03-14", category="health_care_attack")
    report = AnonymousReport.objects.get()
    assert (report.occurred_on, report.occurred_precision) == (date(2025, 3, 14), "day")


def test_status_and_messages_with_the_receipt(submit: Any, api: Any) -> None:
    receipt = submit()
    anon = api(None)
    status = anon.post(f"{BASE}/status", {"receipt": receipt.lower().replace("-", " ")})
    assert status.status_code == 200, status.content
    body = status.json()
    assert body["stage"] == "received" and body["messages"] == []
    assert set(body) == {
        "category",
        "category_label",
        "stage",
        "stage_label",
        "submitted_on",
        "stage_changed_on",
        "messages",
    }
    written = anon.post(f"{BASE}/messages", {"receipt": receipt, "body": "Is anyone reading?"})
    assert written.status_code == 201
    assert written.json()["messages"] == [
        {"author": "reporter", "body": "Is anyone reading?", "sent_on": date.today().isoformat()}
    ]
    report = AnonymousReport.objects.get()
    reply = api("investigator").post(f"{BASE}/queue/{report.pk}/messages", {"body": "Yes. We are."})
    assert reply.status_code == 201, reply.content
    seen = anon.post(f"{BASE}/status", {"receipt": receipt}).json()["messages"]
    assert [m["author"] for m in seen] == ["reporter", "handler"]
    assert "investigator" not in str(seen)  # no handler names for the reporter


def test_unknown_receipt_is_a_404_problem(receiving: Any, api: Any) -> None:
    for path, body in (("status", {}), ("messages", {"body": "hi"})):
        response = api(None).post(f"{BASE}/{path}", {"receipt": "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ", **body})
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/problem+json")
        assert "receipt" in response.json()["detail"]


def test_bad_input_names_each_field(receiving: Any, api: Any) -> None:
    cases = {
        "category": {"category": "theft"},
        "country": {"country": "Ukraine"},
        "occurred_on": {"occurred_on": "2025-13"},
        "what_happened": {"what_happened": "   "},
        "admin1_name": {"admin1_name": "x" * 121},
    }
    for field, change in cases.items():
        response = api(None).post(BASE, {**REPORT, **change})
        assert response.status_code == 422, (field, response.content)
        fields = [e["field"] for e in response.json()["errors"]]
        assert fields == [field], (field, fields)
    future = api(None).post(BASE, {**REPORT, "occurred_on": f"{date.today().year + 1}-01"})
    assert future.status_code == 422
    extra = api(None).post(BASE, {**REPORT, "email": "me@example.org"})
    assert extra.status_code == 422
    assert [e["field"] for e in extra.json()["errors"]] == ["email"]
    missing = api(None).post(BASE, {"category": "seah"})
    assert missing.status_code == 422
    assert {"what_happened", "country", "occurred_on"} <= {
        e["field"] for e in missing.json()["errors"]
    }
    assert not AnonymousReport.objects.exists()


def test_a_report_before_any_receiver_is_kept_and_routed_later(demo_orgs: Any, api: Any) -> None:
    from ulinzi.intake.anonymous import routing

    response = api(None).post(BASE, REPORT)
    assert response.status_code == 201
    assert AnonymousReport.objects.get().organisation is None
    routing.add_receiver(organisation="amani")
    assert AnonymousReport.objects.get().organisation.code == "amani"  # type: ignore[union-attr]


def test_routing_by_category_and_country(receiving: Any, submit: Any) -> None:
    from ulinzi.intake.anonymous import routing

    routing.set_route(organisation="amani", category="seah", country="SDN")
    routing.set_route(organisation="who-ssa", category="health_care_attack")
    submit(country="SDN")
    submit(country="UKR")
    submit(category="health_care_attack", country="SDN")
    got = {(r.category, r.country): r.organisation.code for r in AnonymousReport.objects.all()}  # type: ignore[union-attr]
    assert got == {
        ("seah", "SDN"): "amani",
        ("seah", "UKR"): "cluster",
        ("health_care_attack", "SDN"): "who-ssa",
    }


def test_the_receipt_never_travels_in_a_url(submit: Any, api: Any, client: Any) -> None:
    receipt = submit()
    # No GET way in: the receipt endpoints and pages only accept POST bodies.
    for path in (f"{BASE}/status", f"{BASE}/messages"):
        assert client.get(path, {"receipt": receipt}).status_code == 405
        assert client.post(f"{path}?receipt={receipt}").status_code in (400, 422)
    page = client.get("/anonymous/status/", {"receipt": receipt})
    assert page.status_code == 200 and b"Stage" not in page.content  # not opened by GET
    # No URL pattern of the app has room for a receipt: only report ids (handlers).
    resolver = get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver) and pattern.app_name == "anonymous":
            for p in pattern.url_patterns:
                assert "<" not in str(p.pattern) or "<uuid:report_id>" in str(p.pattern)
    # The submission page answers with the receipt in the page, with no redirect.
    response = client.post(
        "/anonymous/",
        {**REPORT, "occurred_on": "2025-02"},
    )
    assert response.status_code == 200
    assert not response.has_header("Location")
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
