"""Receipt attempts and submissions are limited per client and overall (429)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from ulinzi.intake.anonymous import ratelimit
from ulinzi.intake.anonymous.tests.conftest import REPORT

STATUS = "/api/v1/reports/anonymous/status"


def _post(address: str, path: str, body: dict[str, Any]) -> Any:
    return Client(REMOTE_ADDR=address).post(path, body, content_type="application/json")


def test_receipt_attempts_per_client(receiving: Any, settings: Any, monkeypatch: Any) -> None:
    settings.ULINZI_ANONYMOUS_LIMITS = {"receipt_client": (3, 600)}
    from ulinzi.intake.anonymous import services

    verified: list[int] = []  # refused attempts must not reach the (Argon2) lookup
    original = services.find_by_receipt

    def counted(receipt: str) -> Any:
        verified.append(1)
        return original(receipt)

    monkeypatch.setattr(services, "find_by_receipt", counted)
    statuses = [_post("192.0.2.1", STATUS, {"receipt": "0" * 20}).status_code for _ in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
    assert len(verified) == 3  # refused attempts cost no Argon2 work
    refused = _post("192.0.2.1", STATUS, {"receipt": "0" * 20})
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["status"] == 429
    assert int(refused["Retry-After"]) > 0
    # Another client is not affected; the messages endpoint shares the same count.
    assert _post("192.0.2.2", STATUS, {"receipt": "0" * 20}).status_code == 404
    assert (
        _post("192.0.2.1", STATUS.replace("status", "messages"), {"receipt": "0" * 20, "body": "x"})
    ).status_code == 429
    assert ratelimit.DEFAULT_LIMITS["receipt_client"][0] >= 10


def test_receipt_attempts_overall(receiving: Any, settings: Any) -> None:
    settings.ULINZI_ANONYMOUS_LIMITS = {"receipt_global": (4, 600)}
    statuses = [
        _post(f"192.0.2.{i}", STATUS, {"receipt": "0" * 20}).status_code for i in range(1, 7)
    ]
    assert statuses == [404, 404, 404, 404, 429, 429]


def test_submissions_per_client_and_overall(receiving: Any, settings: Any) -> None:
    settings.ULINZI_ANONYMOUS_LIMITS = {"submit_client": (2, 3600), "submit_global": (3, 3600)}
    path = "/api/v1/reports/anonymous"
    assert [_post("192.0.2.9", path, REPORT).status_code for _ in range(3)] == [201, 201, 429]
    assert _post("192.0.2.10", path, REPORT).status_code == 201
    assert _post("192.0.2.11", path, REPORT).status_code == 429  # overall limit reached


def test_the_pages_are_limited_too(receiving: Any, settings: Any) -> None:
    settings.ULINZI_ANONYMOUS_LIMITS = {"receipt_client": (1, 600), "submit_client": (1, 3600)}
    client = Client(REMOTE_ADDR="192.0.2.20")
    assert client.post("/anonymous/status/", {"receipt": "0" * 20}).status_code == 404
    limited = client.post("/anonymous/status/", {"receipt": "0" * 20})
    assert limited.status_code == 429 and limited.has_header("Retry-After")
    assert client.post("/anonymous/", {**REPORT}).status_code == 200
    assert client.post("/anonymous/", {**REPORT}).status_code == 429


def test_clients_are_known_by_a_salted_key_only() -> None:
    one = ratelimit.client_key("203.0.113.77")
    assert one == ratelimit.client_key("203.0.113.77")
    assert one != ratelimit.client_key("203.0.113.78")
    assert "203.0.113.77" not in one and len(one) == 32
    from django.core.cache import cache

    cache.delete(ratelimit.SALT_KEY)  # a new salt (daily): the same address, another key
    assert ratelimit.client_key("203.0.113.77") != one
