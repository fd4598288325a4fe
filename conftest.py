"""Shared test fixtures: demo organisations and users, API clients, database checks."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

os.environ.setdefault("ULINZI_DATA_DIR", os.path.join(os.getcwd(), "var", "test"))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 with test-sized costs (production keeps Django's defaults)."""
    settings.PASSWORD_HASHERS = ["ulinzi.common.testing.FastArgon2Hasher"]


@pytest.fixture(autouse=True)
def _no_name_lookups(settings: Any) -> None:
    """Webhook deliveries never ask DNS in the tests."""
    settings.ULINZI_WEBHOOK_RESOLVER = "ulinzi.common.testing.no_name_lookups"


@pytest.fixture(autouse=True)
def _fresh_anonymous_intake(settings: Any) -> None:
    """Receipt hashing with test-sized Argon2 costs; no rate-limit count left by another test."""
    from django.core.cache import cache

    settings.ULINZI_RECEIPT_ARGON2 = {"time_cost": 1, "memory_cost": 256, "parallelism": 1}
    cache.clear()


@pytest.fixture(autouse=True)
def _language_reset() -> Any:
    """A page asked for in Arabic leaves Arabic active in the test's thread (Django's
    locale middleware does not switch back); the next test starts in the default again."""
    yield
    translation.deactivate()


@pytest.fixture
def demo_orgs(db: Any) -> dict[str, Any]:
    """The demo organisations with one user per role in ``cluster`` and ``amani``."""
    from ulinzi.demo.organisations import load_organisations

    return load_organisations()


@pytest.fixture
def user(demo_orgs: dict[str, Any]) -> Callable[[str], Any]:
    from ulinzi.accounts.models import User

    return lambda username: User.objects.get(username=username)


class ApiClient:
    """A test client that speaks JSON with a bearer token (or none)."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def _send(self, method: str, path: str, body: Any = None) -> Any:
        fn = getattr(self.client, method)
        kwargs: dict[str, Any] = dict(self.headers)
        if body is not None:
            kwargs["data"] = json.dumps(body, default=str)
            kwargs["content_type"] = "application/json"
        return fn(path, **kwargs)

    def get(self, path: str) -> Any:
        return self._send("get", path)

    def post(self, path: str, body: Any = None) -> Any:
        return self._send("post", path, body if body is not None else {})

    def patch(self, path: str, body: Any) -> Any:
        return self._send("patch", path, body)

    def delete(self, path: str) -> Any:
        return self._send("delete", path)


@pytest.fixture
def api(demo_orgs: dict[str, Any]) -> Callable[[str | None], ApiClient]:
    """``api("monitor")`` → a JSON client acting as that demo user; ``api(None)`` anonymous."""
    from ulinzi.accounts.models import User
    from ulinzi.accounts.services import create_token

    def make(username: str | None) -> ApiClient:
        if username is None:
            return ApiClient(None)
        # 2FA-bound, as if made from a TOTP-verified session (case endpoints need it).
        return ApiClient(create_token(user=User.objects.get(username=username), two_factor=True))

    return make


@pytest.fixture
def make_incident(demo_orgs: dict[str, Any]) -> Callable[..., Any]:
    """Create an incident through the service layer as a demo user."""
    from ulinzi.accounts.access import actor_for
    from ulinzi.accounts.models import User
    from ulinzi.incidents import services

    def make(username: str = "monitor", **fields: Any) -> Any:
        data = {"domain": "protection", "occurred_on": "2025-01-15", "country": "UKR"}
        data.update(fields)
        incident, _ = services.create(
            actor=actor_for(User.objects.get(username=username)), data=data
        )
        return incident

    return make


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Debian's headless Chromium driven by Playwright, for end-to-end tests.

    Missing browser: skipped with a message, except with ``CI=true`` where it fails.
    """

    def unavailable(reason: str) -> None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: the browser tests must run)")
        pytest.skip(reason)

    if not os.path.exists(CHROMIUM):
        unavailable(f"no Chromium at {CHROMIUM}: install Debian's 'chromium' package")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the 'playwright' Python package is not installed")
    # Playwright's sync API runs an event loop in this thread; tests still read the
    # database synchronously to check what the browser wrote.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.db import connections

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
            # While the event loop ran, Django kept connections per context, not per
            # thread; close them, or PostgreSQL cannot drop the test database.
            connections.close_all()
