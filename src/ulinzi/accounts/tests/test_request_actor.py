"""The actor of a request is built once, and again only for another user."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from ulinzi.accounts.access import ANONYMOUS, of_request

pytestmark = pytest.mark.django_db


def test_one_build_per_request_and_user(user: Any) -> None:
    request = RequestFactory().get("/")
    request.user = user("coordinator")
    with CaptureQueriesContext(connection) as captured:
        first = of_request(request)
        again = of_request(request)
    assert again is first and "coordinator" in first.all_roles()
    assert len(captured.captured_queries) == 2  # memberships, sharing agreements
    request.user = user("analyst")  # signed in as someone else during the request
    assert of_request(request).all_roles() == {"analyst"}
    request.user = AnonymousUser()
    assert of_request(request) is ANONYMOUS


def test_an_api_token_speaks_for_its_user(user: Any) -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert of_request(request) is ANONYMOUS
    request.auth = user("monitor")  # type: ignore[attr-defined]
    assert of_request(request).user == user("monitor")
