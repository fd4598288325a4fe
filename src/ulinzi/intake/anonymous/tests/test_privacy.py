"""Nothing identifying is kept: the client's address, user agent and referrer reach
neither the database nor the logs, whatever route of the anonymous intake is used."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from ulinzi.intake.anonymous.models import AnonymousReport
from ulinzi.intake.anonymous.tests.conftest import REPORT

ADDRESS = "203.0.113.77"
FORWARDED = "198.51.100.23"
AGENT = "UlinziProbe/9.9 (Linux; Android 14; SM-A146B) Mobile"
REFERRER = "https://news.example.org/story?id=4242"
CLIENT_HEADERS: dict[str, Any] = {
    "REMOTE_ADDR": ADDRESS,
    "HTTP_USER_AGENT": AGENT,
    "HTTP_REFERER": REFERRER,
    "HTTP_X_FORWARDED_FOR": FORWARDED,
    "HTTP_X_REAL_IP": FORWARDED,
    "HTTP_SEC_CH_UA_PLATFORM": '"UlinziProbeOS"',
}
SECRETS = (ADDRESS, FORWARDED, AGENT, "UlinziProbe", REFERRER, "news.example.org", "ProbeOS")


def _every_logger_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)


def _log_text(caplog: pytest.LogCaptureFixture) -> str:
    """The formatted log output plus everything attached to each record."""
    parts = [caplog.text]
    for record in caplog.records:
        parts.append(repr(record.__dict__))
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "META"):
            parts.append(repr(request.META))
    return "\n".join(parts)


def test_no_address_agent_or_referrer_in_the_database_or_the_logs(
    receiving: Any, all_rows: Any, caplog: pytest.LogCaptureFixture, settings: Any
) -> None:
    settings.DEBUG = True  # the database layer then logs every query with its parameters
    settings.ULINZI_ANONYMOUS_LIMITS = {"receipt_client": (4, 600)}
    _every_logger_at_debug(caplog)
    api = Client(**CLIENT_HEADERS)
    web = Client(enforce_csrf_checks=True, **CLIENT_HEADERS)
    # The API: submit, check the status, write, a bad submission, an unknown receipt.
    created = api.post("/api/v1/reports/anonymous", REPORT, content_type="application/json")
    assert created.status_code == 201
    receipt = created.json()["receipt"]
    for path, body, expected in (
        ("/api/v1/reports/anonymous/status", {"receipt": receipt}, 200),
        ("/api/v1/reports/anonymous/messages", {"receipt": receipt, "body": "hello"}, 201),
        ("/api/v1/reports/anonymous", {**REPORT, "country": "XX"}, 422),
        ("/api/v1/reports/anonymous/status", {"receipt": "0" * 20}, 404),
    ):
        response = api.post(path, body, content_type="application/json")
        assert response.status_code == expected, (path, response.content)
    # The pages, through the CSRF check as a browser would.
    web.get("/anonymous/")
    token = web.cookies["csrftoken"].value
    page = web.post(
        "/anonymous/", {**REPORT, "csrfmiddlewaretoken": token}, HTTP_ORIGIN="http://testserver"
    )
    assert page.status_code == 200 and b"receipt" in page.content
    status = web.post(
        "/anonymous/status/",
        {"receipt": receipt, "action": "view", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="http://testserver",
    )
    assert status.status_code == 200
    refused = web.post("/anonymous/status/", {"receipt": receipt})  # no CSRF token: 403
    assert refused.status_code == 403
    # Rate limited (the fifth receipt attempt of this client), then a handler reads.
    limited = api.post(
        "/api/v1/reports/anonymous/status", {"receipt": receipt}, content_type="application/json"
    )
    assert limited.status_code == 429
    staff = Client(**CLIENT_HEADERS)
    staff.force_login(receiving["cluster"].memberships.get(role="coordinator").user)
    report = AnonymousReport.objects.first()
    assert report is not None
    assert staff.get(f"/api/v1/reports/anonymous/queue/{report.pk}").status_code == 200
    assert staff.get(f"/anonymous/queue/{report.pk}/").status_code == 200

    assert AnonymousReport.objects.count() == 2
    assert caplog.records, "the logs were not captured"
    logged = _log_text(caplog)
    assert "/api/v1/reports/anonymous" in logged  # the requests did reach the loggers
    stored = all_rows()
    for secret in SECRETS:
        assert secret not in stored, f"{secret!r} is in the database"
        assert secret not in logged, f"{secret!r} is in the logs"


def test_submission_dates_are_kept_to_the_day(submit: Any) -> None:
    from django.db import models

    submit()
    for model in (AnonymousReport, AnonymousReport.messages.rel.related_model):
        for field in model._meta.get_fields():
            assert not isinstance(field, models.DateTimeField), (model, field.name)
            assert not getattr(field, "auto_now", False)


def test_the_rate_limit_cache_holds_no_address(receiving: Any) -> None:
    from django.core.cache import cache

    Client(REMOTE_ADDR=ADDRESS).post(
        "/api/v1/reports/anonymous", REPORT, content_type="application/json"
    )
    held = repr(getattr(cache, "_cache", {})) + repr(list(getattr(cache, "_cache", {}).keys()))
    assert "ulinzi:anonymous:rl:submit_client" in held
    assert ADDRESS not in held


def test_the_forgetting_middleware_must_come_first(settings: Any) -> None:
    from ulinzi.intake.anonymous.checks import anonymous_intake_checks

    assert anonymous_intake_checks() == []
    settings.MIDDLEWARE = [*settings.MIDDLEWARE[1:], settings.MIDDLEWARE[0]]
    assert [c.id for c in anonymous_intake_checks()] == ["anonymous.E001"]


def test_the_pages_leave_no_cookie_that_outlives_the_browser_session(
    receiving: Any, user: Any
) -> None:
    """Django's CSRF cookie lasts a year; from the anonymous pages it ends with the
    browser session. Elsewhere it is left as it is."""
    from django.conf import settings

    name = settings.CSRF_COOKIE_NAME
    visitor = Client()
    for answer in (
        visitor.get("/anonymous/"),
        visitor.post("/anonymous/", {**REPORT, "occurred_on": "2025-02"}),
        visitor.get("/anonymous/status/"),
    ):
        cookie = answer.cookies[name]
        assert cookie.value
        assert (cookie["expires"], cookie["max-age"]) == ("", ""), cookie.output()
    handler = Client()
    handler.force_login(user("investigator"))
    queue = handler.get("/anonymous/queue/")
    assert queue.status_code == 200
    assert all(c["max-age"] == "" for c in queue.cookies.values()), queue.cookies
    elsewhere = Client().get("/login/")
    assert elsewhere.cookies[name]["max-age"] == settings.CSRF_COOKIE_AGE


def test_a_cookie_deletion_is_kept() -> None:
    from django.http import HttpResponse

    from ulinzi.intake.anonymous.middleware import forget_on_device

    response = HttpResponse()
    response.delete_cookie("messages")
    response.set_cookie("kept", "1", max_age=3600)
    forget_on_device(response)
    assert response.cookies["messages"]["max-age"] == 0
    assert response.cookies["kept"]["max-age"] == "" and response.cookies["kept"]["expires"] == ""
