"""Receipt attempts and submissions are limited per client (429); an overall budget, once
spent, holds every client to a fair share instead of refusing everyone; the client is
the address behind trusted proxies only, known by a keyed HMAC."""

from __future__ import annotations

import http.client
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ulinzi.intake.anonymous import ratelimit
from ulinzi.intake.anonymous.tests.conftest import REPORT
from ulinzi.intake.anonymous.tests.test_waitress_logs import server  # noqa: F401 (fixture)

DAY = 86_400  # windows a test never straddles (one ends at midnight UTC)
STATUS = "/api/v1/reports/anonymous/status"
SUBMIT = "/api/v1/reports/anonymous"


def _post(address: str, path: str, body: dict[str, Any], **headers: Any) -> Any:
    return Client(REMOTE_ADDR=address, **headers).post(path, body, content_type="application/json")


def test_receipt_attempts_per_client(receiving: Any, settings: Any, monkeypatch: Any) -> None:
    settings.ULINZI_ANONYMOUS_LIMITS = {"receipt_client": (3, DAY)}
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


def test_a_flood_from_50_addresses_does_not_stop_a_new_reporter(
    receiving: Any, settings: Any
) -> None:
    settings.ULINZI_ANONYMOUS_LIMITS = {
        "submit_client": (2, DAY),
        "submit_global": (20, DAY),
        "submit_fair": (1, DAY),
    }
    flood = [f"198.51.100.{i}" for i in range(1, 51)]
    accepted = sum(
        _post(address, SUBMIT, REPORT).status_code == 201 for address in flood for _ in range(2)
    )
    # The budget (20) went first; after it each address had its fair share (1) only.
    assert 50 <= accepted <= 20 + 50
    assert _post(flood[0], SUBMIT, REPORT).status_code == 429
    newcomer = _post("203.0.113.9", SUBMIT, REPORT)
    assert newcomer.status_code == 201, newcomer.content
    # Under the flood the newcomer too is held to the fair share, and told when to retry.
    again = _post("203.0.113.9", SUBMIT, REPORT)
    assert again.status_code == 429 and 0 < int(again["Retry-After"]) <= DAY


def test_a_receipt_guessing_flood_does_not_stop_a_reporter_checking_theirs(
    receiving: Any, settings: Any
) -> None:
    settings.ULINZI_ANONYMOUS_LIMITS = {
        "receipt_client": (4, DAY),
        "receipt_global": (40, DAY),
        "receipt_fair": (2, DAY),
    }
    for i in range(1, 51):
        for _ in range(4):
            _post(f"198.51.100.{i}", STATUS, {"receipt": "x"})
    assert _post("198.51.100.1", STATUS, {"receipt": "x"}).status_code == 429
    assert _post("203.0.113.10", STATUS, {"receipt": "x"}).status_code == 404  # not refused


def test_submissions_per_client_then_fair_share(receiving: Any, settings: Any) -> None:
    settings.ULINZI_ANONYMOUS_LIMITS = {
        "submit_client": (2, DAY),
        "submit_global": (3, DAY),
        "submit_fair": (1, DAY),
    }
    assert [_post("192.0.2.9", SUBMIT, REPORT).status_code for _ in range(3)] == [201, 201, 429]
    assert _post("192.0.2.10", SUBMIT, REPORT).status_code == 201  # budget now spent
    assert _post("192.0.2.10", SUBMIT, REPORT).status_code == 429  # past its fair share
    assert _post("192.0.2.11", SUBMIT, REPORT).status_code == 201  # its first: fair share


def test_the_pages_are_limited_too(receiving: Any, settings: Any) -> None:
    settings.ULINZI_ANONYMOUS_LIMITS = {"receipt_client": (1, DAY), "submit_client": (1, DAY)}
    client = Client(REMOTE_ADDR="192.0.2.20")
    assert client.post("/anonymous/status/", {"receipt": "0" * 20}).status_code == 404
    limited = client.post("/anonymous/status/", {"receipt": "0" * 20})
    assert limited.status_code == 429 and limited.has_header("Retry-After")
    assert client.post("/anonymous/", {**REPORT}).status_code == 200
    assert client.post("/anonymous/", {**REPORT}).status_code == 429


def test_forwarded_addresses_count_only_from_trusted_proxies(receiving: Any, settings: Any) -> None:
    settings.ULINZI_ANONYMOUS_LIMITS = {"receipt_client": (1, DAY)}
    body = {"receipt": "x"}

    def attempt(peer: str, forwarded: str) -> int:
        return int(_post(peer, STATUS, body, HTTP_X_FORWARDED_FOR=forwarded).status_code)

    # No trusted proxy: the header is ignored, both share the peer's count.
    assert attempt("192.0.2.30", "203.0.113.1") == 404
    assert attempt("192.0.2.30", "203.0.113.2") == 429
    settings.ULINZI_TRUSTED_PROXIES = ["10.0.0.0/8"]
    # Behind the proxy each client has its own count ...
    assert attempt("10.1.2.3", "203.0.113.3") == 404
    assert attempt("10.1.2.3", "203.0.113.4") == 404
    # ... and what a client writes into the header itself (left of the proxy's entry)
    # changes nothing.
    assert attempt("10.1.2.3", "6.6.6.6, 203.0.113.3") == 429
    # A peer that is not a trusted proxy cannot forward for anyone.
    assert attempt("192.0.2.31", "203.0.113.5") == 404
    assert attempt("192.0.2.31", "203.0.113.6") == 429


def test_waitress_passes_the_forwarded_address_to_django(
    server: int,  # noqa: F811
    settings: Any,
) -> None:
    settings.ULINZI_ANONYMOUS_LIMITS = {"receipt_client": (1, DAY)}
    settings.ULINZI_TRUSTED_PROXIES = ["127.0.0.1"]

    def attempt(forwarded: str) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
        headers = {"Content-Type": "application/json", "X-Forwarded-For": forwarded}
        conn.request("POST", STATUS, json.dumps({"receipt": "x"}), headers)
        status = conn.getresponse().status
        conn.close()
        return status

    assert [attempt("203.0.113.7"), attempt("203.0.113.8"), attempt("203.0.113.7")] == [
        404,
        404,
        429,
    ]


def test_clients_are_known_by_a_keyed_hmac_that_changes_daily(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = ratelimit.client_key("203.0.113.77")
    assert one == ratelimit.client_key("203.0.113.77")
    assert one != ratelimit.client_key("203.0.113.78")
    assert "203.0.113.77" not in one and len(one) == 32
    tomorrow = timezone.now() + timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    assert ratelimit.client_key("203.0.113.77") != one
    monkeypatch.undo()
    settings.SECRET_KEY = "another secret key, another key"
    assert ratelimit.client_key("203.0.113.77") != one  # nothing to recompute it from


def test_an_ipv6_client_is_its_64(receiving: Any, settings: Any) -> None:
    settings.ULINZI_ANONYMOUS_LIMITS = {"receipt_client": (1, DAY)}
    assert _post("2001:db8:1:2::1", STATUS, {"receipt": "x"}).status_code == 404
    assert _post("2001:db8:1:2:ffff::9", STATUS, {"receipt": "x"}).status_code == 429
    assert _post("2001:db8:1:3::1", STATUS, {"receipt": "x"}).status_code == 404
