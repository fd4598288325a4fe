"""Sending a report again is the same report: a client may draw the receipt itself, and a
resend of a receipt that already opens a report changes nothing and answers with it."""

from __future__ import annotations

import secrets
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from ulinzi.intake.anonymous.models import AnonymousReport
from ulinzi.intake.anonymous.tests.conftest import REPORT

BASE = "/api/v1/reports/anonymous"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def drawn(head: str = "") -> str:
    """A receipt as a client draws it (``head``: its first symbols), in groups of four."""
    code = head + "".join(secrets.choice(CROCKFORD) for _ in range(20 - len(head)))
    return "-".join(code[i : i + 4] for i in range(0, 20, 4))


def test_a_resend_of_a_drawn_receipt_is_the_same_report(
    receiving: Any, api: Any, all_rows: Any
) -> None:
    anon = api(None)
    receipt = drawn()
    first = anon.post(BASE, {**REPORT, "receipt": receipt})
    assert first.status_code == 201, first.content
    assert first.json()["receipt"] == receipt
    again = anon.post(BASE, {**REPORT, "receipt": receipt})
    assert again.status_code == 200, again.content
    assert again.json() == first.json()
    bare = anon.post(BASE, {**REPORT, "receipt": receipt.replace("-", "")})
    assert bare.status_code == 200 and bare.json()["receipt"] == receipt
    assert AnonymousReport.objects.count() == 1
    # The receipt opens it, and only its hash is kept.
    status = anon.post(f"{BASE}/status", {"receipt": receipt})
    assert status.status_code == 200 and status.json()["stage"] == "received"
    stored = all_rows()
    assert receipt not in stored and receipt.replace("-", "") not in stored


def test_a_resend_that_says_something_else_changes_and_reveals_nothing(
    receiving: Any, api: Any
) -> None:
    anon = api(None)
    receipt = drawn()
    assert anon.post(BASE, {**REPORT, "receipt": receipt}).status_code == 201
    other = {
        "category": "protection",
        "what_happened": "Something else entirely.",
        "country": "SDN",
        "admin1_name": "Khartoum",
        "occurred_on": "2024-11-02",
        "contact_preference": "call me",
    }
    resent = anon.post(BASE, {**other, "receipt": receipt})
    assert resent.status_code == 200, resent.content
    assert set(resent.json()) == {"receipt", "stage", "submitted_on"}
    report = AnonymousReport.objects.get()
    assert (report.category, report.country, report.admin1_name) == ("seah", "UKR", "Kharkivska")
    assert report.what_happened == REPORT["what_happened"]
    assert report.contact_preference == REPORT["contact_preference"]
    assert (report.occurred_on.isoformat(), report.occurred_precision) == ("2025-03-01", "month")


@pytest.mark.parametrize(
    "receipt",
    [
        "7kq2-m9xa-7kq2-m9xa-7kq2",  # lower case
        "7KQ2-M9XA-7KQ2-M9XA-7KQI",  # I is not a symbol
        "7KQ2-M9XA-7KQ2-M9XA-7KQ",  # 19 symbols
        "7KQ2M9XA7KQ2M9XA7KQ2M",  # 21
        "7KQ2 M9XA 7KQ2 M9XA 7KQ2",  # spaces
        "7KQ2-M9XA7KQ2-M9XA-7KQ2",  # groups out of place
        "7KQ2-M9XA-7KQ2-M9XA-7KQ2\n",
        123,
    ],
)
def test_a_drawn_receipt_must_have_the_exact_format(receiving: Any, api: Any, receipt: Any) -> None:
    refused = api(None).post(BASE, {**REPORT, "receipt": receipt})
    assert refused.status_code == 422, refused.content
    assert refused["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in refused.json()["errors"]] == ["receipt"]
    assert str(receipt) not in refused.content.decode()  # never echoed
    assert not AnonymousReport.objects.exists()


def test_without_a_receipt_the_server_draws_one_each_time(receiving: Any, api: Any) -> None:
    anon = api(None)
    first = anon.post(BASE, REPORT)
    second = anon.post(BASE, {**REPORT, "receipt": None})
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["receipt"] != second.json()["receipt"]
    assert AnonymousReport.objects.count() == 2


def test_a_receipt_whose_locator_another_code_holds_is_a_conflict(receiving: Any, api: Any) -> None:
    anon = api(None)
    mine = drawn()
    assert anon.post(BASE, {**REPORT, "receipt": mine}).status_code == 201
    # The same first two groups (the locator), another code.
    other = drawn(head=mine.replace("-", "")[:8])
    assert other != mine
    refused = anon.post(BASE, {**REPORT, "receipt": other})
    assert refused.status_code == 409, refused.content
    body = refused.json()
    assert [e["field"] for e in body["errors"]] == ["receipt"]
    assert "stage" not in body and "submitted_on" not in body
    assert AnonymousReport.objects.count() == 1


def test_the_page_sends_twice_and_keeps_one_report(receiving: Any) -> None:
    page = Client(enforce_csrf_checks=True)
    page.get("/anonymous/")
    token = page.cookies["csrftoken"].value
    receipt = drawn()
    form = {**REPORT, "receipt": receipt, "csrfmiddlewaretoken": token}
    first = page.post("/anonymous/", form)
    again = page.post("/anonymous/", form)
    assert (first.status_code, again.status_code) == (200, 200)
    for answer in (first, again):
        assert f'aria-label="{receipt}"' in answer.content.decode()
    assert b"It had already arrived" not in first.content
    assert b"It had already arrived" in again.content
    assert AnonymousReport.objects.count() == 1
    # The form never writes a receipt back into the page.
    refused = page.post("/anonymous/", {**form, "what_happened": ""})
    assert refused.status_code == 200 and receipt not in refused.content.decode()


def test_the_page_refuses_a_malformed_receipt_above_the_form(receiving: Any) -> None:
    page = Client().post("/anonymous/", {**REPORT, "receipt": "not-a-receipt"})
    assert page.status_code == 200
    assert b"The receipt code must be 20 symbols" in page.content
    assert not AnonymousReport.objects.exists()


def test_resends_at_the_same_moment_make_one_report(
    transactional_db: Any, receiving: Any, settings: Any
) -> None:
    """Four clients send one receipt at once. With production Argon2 costs every lookup
    happens before any insert, so all but one meet the unique locator and answer with
    the winner's report."""
    if connection.vendor != "postgresql":
        pytest.skip("needs one connection per thread: the SQLite test database is one shared")
    settings.ULINZI_RECEIPT_ARGON2 = {}
    settings.ULINZI_ARGON2_SLOTS = settings.ULINZI_ARGON2_QUEUE = 4  # none refused as busy
    settings.ULINZI_ARGON2_WAIT = 30
    receipt = drawn()
    start = threading.Barrier(4)
    answers: list[int] = []

    def send() -> None:
        client = Client()
        start.wait()
        try:
            response = client.post(
                BASE, {**REPORT, "receipt": receipt}, content_type="application/json"
            )
            answers.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [200, 200, 200, 201]
    assert AnonymousReport.objects.count() == 1
