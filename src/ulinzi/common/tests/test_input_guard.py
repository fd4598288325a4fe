"""Input no field may hold (NUL, lone surrogates), oversized bodies and numbers out of
range get a 4xx naming where the fault is, on every database; never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ulinzi.incidents.models import Incident
from ulinzi.intake.anonymous.models import AnonymousReport

INCIDENT = {"domain": "protection", "occurred_on": "2025-01-15", "country": "UKR"}
REPORT = {
    "category": "seah",
    "what_happened": "Asked for sex in exchange for food vouchers.",
    "country": "UKR",
    "occurred_on": "2025-03",
}


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    return body


def _fields(body: dict[str, Any]) -> list[str]:
    return [e["field"] for e in body["errors"]]


@pytest.mark.parametrize(
    "field,bad",
    [
        ("narrative", "a\x00b"),
        ("admin1_name", "Kharkiv\x00"),
        ("source_id", "\x00"),
        ("narrative", "x\ud800"),
        ("admin1_name", "x\udfff"),
        ("source_id", "x\ud800"),
    ],
)
def test_nul_and_lone_surrogates_in_a_json_body_are_refused_by_name(
    api: Any, field: str, bad: str
) -> None:
    response = api("monitor").post("/api/v1/incidents", {**INCIDENT, field: bad})
    body = _problem(response, 422)
    assert _fields(body) == [field]
    assert field in body["detail"]
    assert not Incident.objects.exists()


def test_a_nested_value_and_a_key_are_named_with_their_path(api: Any) -> None:
    response = api("monitor").post(
        "/api/v1/incidents", {**INCIDENT, "types": ["ok", "x\x00"], "bad\x00key": 1}
    )
    assert _fields(_problem(response, 422)) == ["types[1]", "bad\x00key"]


def test_anonymous_what_happened_with_a_lone_surrogate(api: Any) -> None:
    from ulinzi.intake.anonymous.routing import configure_demo

    configure_demo()
    response = api(None).post(
        "/api/v1/reports/anonymous", {**REPORT, "what_happened": "Help\ud800"}
    )
    assert _fields(_problem(response, 422)) == ["what_happened"]
    assert not AnonymousReport.objects.exists()


def test_a_surrogate_pair_is_text_and_is_kept(api: Any) -> None:
    """An escaped pair (an emoji) decodes to one character: accepted, stored as sent."""
    client = api("monitor")
    raw = json.dumps({**INCIDENT, "narrative": "\U0001f600 ok"})
    assert "\\ud83d\\ude00" in raw
    response = client.client.post(
        "/api/v1/incidents", raw, content_type="application/json", **client.headers
    )
    assert response.status_code == 201, response.content
    assert Incident.objects.get().narrative == "\U0001f600 ok"


def test_nul_in_a_query_parameter_unauthenticated(api: Any) -> None:
    response = api(None).get("/api/v1/complaints/statistics?organisation=clu%00ster")
    assert _fields(_problem(response, 422)) == ["organisation"]


def test_nul_in_a_path_parameter(api: Any) -> None:
    response = api("monitor").get("/api/v1/vocabularies/mrm%00")
    assert _fields(_problem(response, 422)) == ["name"]


@pytest.mark.parametrize("year", ["10000", "-2096", str(2**70), "0"])
def test_statistics_year_out_of_range(api: Any, year: str) -> None:
    response = api(None).get(f"/api/v1/complaints/statistics?year={year}")
    assert _fields(_problem(response, 422)) == ["year"]


def test_statistics_of_a_real_year_still_answers(api: Any) -> None:
    response = api(None).get("/api/v1/complaints/statistics?year=2025")
    assert response.status_code == 200, response.content
    assert response.json()["year"] == 2025


def test_an_offset_past_what_a_database_can_skip(api: Any) -> None:
    response = api("coordinator").get(f"/api/v1/linkage/review?offset={2**70}")
    assert _fields(_problem(response, 422)) == ["offset"]


def test_a_body_over_the_limit_is_413(api: Any, settings: Any) -> None:
    client = api("monitor")
    raw = json.dumps({**INCIDENT, "narrative": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = client.client.post(
        "/api/v1/incidents", raw, content_type="application/json", **client.headers
    )
    body = _problem(response, 413)
    assert _fields(body) == ["body"]
    assert f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes" in body["detail"]
    assert not Incident.objects.exists()


def test_a_page_refuses_nul_in_a_filter_by_name(user: Any) -> None:
    client = Client()
    client.force_login(user("monitor"))
    response = client.get("/incidents/?country=UK%00R")
    assert response.status_code == 400
    assert b"<strong>country</strong>" in response.content
    assert b"NUL" in response.content


def test_a_page_refuses_nul_in_a_form_field(demo_orgs: Any) -> None:
    from ulinzi.intake.anonymous.routing import configure_demo

    configure_demo()
    response = Client().post("/anonymous/", {**REPORT, "what_happened": "Help\x00"})
    assert response.status_code == 400
    assert b"<strong>what_happened</strong>" in response.content
    assert not AnonymousReport.objects.exists()


def test_an_upload_over_its_limit_is_413(user: Any, settings: Any) -> None:
    settings.ULINZI_UPLOAD_MAX_BYTES = 4096
    client = Client()
    client.force_login(user("monitor"))
    big = SimpleUploadedFile("big.csv", b"country\n" + b"UKR\n" * 2000, "text/csv")
    response = client.post("/imports/", {"organisation": "cluster", "file": big})
    assert response.status_code == 413
    assert b"4,096 bytes" in response.content
