"""The OpenAPI document describes every operation's body and its problem+json errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

PROBLEM = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, ops in document["paths"].items()
        for method, op in ops.items()
    ]


def test_every_success_response_has_a_body_schema(document: dict[str, Any]) -> None:
    missing = [
        f"{method} {path} {status}"
        for method, path, op in _operations(document)
        for status, response in op["responses"].items()
        if int(status) < 300 and int(status) != 204 and not response.get("content")
    ]
    assert missing == []


def test_every_operation_documents_its_errors_as_problem_details(
    document: dict[str, Any],
) -> None:
    wrong = []
    for method, path, op in _operations(document):
        responses = op["responses"]
        expected = {"422"}
        if op.get("security"):
            expected |= {"401", "403"}
        if "{" in path:
            expected.add("404")
        if "requestBody" in op:
            expected |= {"400", "413"}
        if any(p["in"] == "header" and p["name"] == "If-Match" for p in op["parameters"]):
            expected.add("412")
        for status in sorted(expected):
            content = responses.get(status, {}).get("content", {})
            if content.get("application/problem+json", {}).get("schema") != PROBLEM:
                wrong.append(f"{method} {path} {status}")
    assert wrong == []
    problem = document["components"]["schemas"]["Problem"]
    assert {"title", "status"} <= set(problem["required"])


def test_operations_that_say_so_document_their_other_errors(document: dict[str, Any]) -> None:
    for path in ("/api/v1/reports/anonymous/status", "/api/v1/complaints/status"):
        responses = document["paths"][path]["post"]["responses"]
        assert {"404", "429", "503"} <= set(responses)
        assert "application/problem+json" in responses["429"]["content"]
    for path in ("/api/v1/incidents", "/api/v1/reports/anonymous"):
        assert "409" in document["paths"][path]["post"]["responses"]
    patch = document["paths"]["/api/v1/incidents/{incident_id}"]["patch"]["responses"]
    assert "application/problem+json" in patch["412"]["content"]
    health = document["paths"]["/api/v1/health"]["get"]["responses"]
    assert "application/json" in health["503"]["content"]  # the health document, not a problem


def test_files_are_documented_with_their_media_type(document: dict[str, Any]) -> None:
    csv = document["paths"]["/api/v1/exports/hxl"]["get"]["responses"]["200"]["content"]
    assert list(csv) == ["text/csv"]
    geojson = document["paths"]["/api/v1/deconfliction/exports/{party}/geojson"]["get"]
    assert list(geojson["responses"]["200"]["content"]) == ["application/geo+json"]
