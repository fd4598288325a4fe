"""Argon2 work is bounded: at most the slots run, a few wait, the rest get 503 with
Retry-After at once; receipt checks, submissions and sign-ins all go through the bound,
and other requests are answered meanwhile."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.test import Client

from ulinzi.common import slowhash


@contextmanager
def held(count: int) -> Iterator[None]:
    """``count`` other threads each hold a slot until the block ends."""
    inside = threading.Semaphore(0)
    done = threading.Event()

    def hold() -> None:
        with slowhash.slot():
            inside.release()
            done.wait(10)

    threads = [threading.Thread(target=hold) for _ in range(count)]
    for thread in threads:
        thread.start()
    try:
        for _ in threads:
            assert inside.acquire(timeout=5), "a holder did not get its slot"
        yield
    finally:
        done.set()
        for thread in threads:
            thread.join(5)


@pytest.fixture
def receiving(demo_orgs: dict[str, Any]) -> None:
    from ulinzi.intake.anonymous.routing import configure_demo

    configure_demo()


@pytest.fixture
def one_slot(settings: Any) -> None:
    settings.ULINZI_ARGON2_SLOTS = 1
    settings.ULINZI_ARGON2_QUEUE = 1
    settings.ULINZI_ARGON2_WAIT = 0.2
    slowhash._gate_for.cache_clear()  # a fresh gate: nothing reported yet


def test_slots_bound_the_work_and_the_queue(settings: Any) -> None:
    settings.ULINZI_ARGON2_SLOTS = 2
    settings.ULINZI_ARGON2_QUEUE = 1
    settings.ULINZI_ARGON2_WAIT = 30
    slowhash._gate_for.cache_clear()
    outcome: list[str] = []

    def wait_for_a_slot() -> None:
        with slowhash.slot():
            outcome.append("ran")

    with held(2):  # both slots taken
        waiter = threading.Thread(target=wait_for_a_slot)
        waiter.start()
        for _ in range(500):  # until it is queued
            if slowhash.gate()._waiting == 1:
                break
            time.sleep(0.01)
        assert slowhash.gate()._waiting == 1 and not outcome
        started = time.monotonic()
        with pytest.raises(slowhash.Busy) as refused:  # the queue is full: no wait at all
            with slowhash.slot():
                pass
        assert time.monotonic() - started < 1
        assert refused.value.retry_after == 30
    waiter.join(10)
    assert outcome == ["ran"]  # the waiting one got its slot once a holder let go


def test_a_wait_longer_than_the_limit_is_refused(one_slot: None) -> None:
    with held(1):
        started = time.monotonic()
        with pytest.raises(slowhash.Busy):
            with slowhash.slot():
                pass
        assert 0.15 < time.monotonic() - started < 5
    with slowhash.slot():  # free again
        pass


def test_receipt_checks_answer_503_while_health_answers(
    receiving: None, one_slot: None, caplog: pytest.LogCaptureFixture
) -> None:
    from ulinzi.intake.anonymous.tests.conftest import REPORT

    client = Client()
    body = {"receipt": "0" * 20}
    assert client.get("/api/v1/health").status_code == 200  # URL map loaded before timing
    with held(1):
        started = time.monotonic()
        refused = client.post(
            "/api/v1/reports/anonymous/status", body, content_type="application/json"
        )
        assert time.monotonic() - started < 5  # the wait (0.2 s), not a queue behind Argon2
        assert refused.status_code == 503
        assert refused["Content-Type"].startswith("application/problem+json")
        assert refused["Retry-After"] == "1"
        assert refused.json()["status"] == 503
        submitted = client.post(
            "/api/v1/reports/anonymous", REPORT, content_type="application/json"
        )
        assert submitted.status_code == 503  # the receipt's hash needs a slot too
        assert client.get("/api/v1/health").status_code == 200  # no Argon2, no wait
    # One summary warning, not one error line per refused request.
    assert [r.levelname for r in caplog.records if r.name == "ulinzi.common.slowhash"] == [
        "WARNING"
    ]
    assert "Service Unavailable" not in caplog.text
    from ulinzi.intake.anonymous.models import AnonymousReport

    assert not AnonymousReport.objects.exists()  # the refused submission left nothing
    answered = client.post(
        "/api/v1/reports/anonymous/status", body, content_type="application/json"
    )
    assert answered.status_code == 404


def test_the_anonymous_page_answers_503_too(receiving: None, one_slot: None) -> None:
    from ulinzi.intake.anonymous.tests.conftest import REPORT

    with held(1):
        page = Client().post("/anonymous/", REPORT)
    assert page.status_code == 503
    assert page["Retry-After"] == "1"
    assert "try again in a few seconds" in page.content.decode()


def test_sign_in_waits_for_a_slot_and_is_not_counted_as_a_failure(
    demo_orgs: Any, one_slot: None
) -> None:
    from ulinzi.accounts.lockout import LoginThrottle
    from ulinzi.demo.organisations import demo_password

    client = Client()
    with held(1):
        busy = client.post("/login/", {"username": "monitor", "password": demo_password()})
    assert busy.status_code == 503 and busy["Retry-After"] == "1"
    assert "_auth_user_id" not in client.session
    assert not LoginThrottle.objects.exists()
    client.post("/login/", {"username": "monitor", "password": demo_password()})
    assert "_auth_user_id" in client.session


def test_production_hashes_take_one_core_each(settings: Any) -> None:
    """One lane (one thread) per hash, so that a slot bounds a core: the costs of
    receipts and passwords outside the test suite's small ones."""
    from ulinzi.accounts.hashers import BoundedArgon2PasswordHasher
    from ulinzi.intake.anonymous import receipts

    settings.ULINZI_RECEIPT_ARGON2 = {}
    # The costs a receipt's hash is made with, as written in it: RFC 9106 low-memory
    # costs (64 MiB, 3 passes), one lane.
    assert receipts.hash_code(receipts.generate()).split("$")[3] == "m=65536,t=3,p=1"
    params = BoundedArgon2PasswordHasher().params()
    assert (params.time_cost, params.memory_cost, params.parallelism) == (2, 102400, 1)
