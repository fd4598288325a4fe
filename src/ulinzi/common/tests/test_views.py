"""The page helpers: a service call's outcome as messages, a redirect, a 403 or a 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import Http404, HttpRequest
from django.test import RequestFactory

from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed, NotFound
from ulinzi.common.views import act_and_redirect, attempt, visible_or_404


def _request() -> HttpRequest:
    request = RequestFactory().post("/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def _said(request: HttpRequest) -> list[tuple[str, str]]:
    return [(m.tags, str(m)) for m in messages.get_messages(request)]


def _raise(exc: Exception) -> Any:
    raise exc


def test_attempt_returns_the_result_and_says_it_is_done() -> None:
    request = _request()
    assert attempt(request, lambda: 3, lambda n: f"{n} done") == 3
    assert _said(request) == [("info", "3 done")]


def test_attempt_turns_problems_into_error_messages() -> None:
    request = _request()
    bad = InvalidInput([FieldProblem("days", "too many"), FieldProblem("stage", "unknown")])
    assert attempt(request, lambda: _raise(bad), "never") is None
    assert attempt(request, lambda: _raise(NotAllowed("not yours")), "never") is None
    assert _said(request) == [
        ("error", "days: too many"),
        ("error", "stage: unknown"),
        ("error", "not yours"),
    ]


def test_act_and_redirect_redirects_whatever_happens_without_refuse() -> None:
    request = _request()
    done = act_and_redirect(request, lambda: None, "Saved.", "cases:complaints")
    refused = act_and_redirect(request, lambda: _raise(NotAllowed("no")), "x", "cases:complaints")
    assert done.status_code == refused.status_code == 302
    assert done["Location"] == "/cases/complaints/"
    assert _said(request) == [("info", "Saved."), ("error", "no")]


def test_act_and_redirect_with_refuse_answers_403_and_404() -> None:
    request = _request()
    sent = act_and_redirect(
        request,
        lambda: 2,
        lambda n: f"Sent to {n}.",
        "deconfliction:overview",
        refuse=True,
        level=messages.SUCCESS,
    )
    assert sent.status_code == 302 and _said(request) == [("success", "Sent to 2.")]
    refused = act_and_redirect(
        request, lambda: _raise(NotAllowed("focal points only")), "x", "x", refuse=True
    )
    assert refused.status_code == 403 and b"focal points only" in refused.content
    with pytest.raises(Http404):
        act_and_redirect(request, lambda: _raise(NotFound("no site")), "x", "x", refuse=True)


def test_visible_or_404_hides_refusals_as_not_found() -> None:
    assert visible_or_404(lambda who, pk: (who, pk), "a", 1) == ("a", 1)
    for exc in (NotFound("none"), NotAllowed("not yours")):
        with pytest.raises(Http404):
            visible_or_404(lambda: _raise(exc))
