"""API tokens: created by the CLI, stored hashed, revocable; passwords use Argon2."""

from __future__ import annotations

from typing import Any

import pytest

from ulinzi.accounts.models import ApiToken
from ulinzi.cli import main

pytestmark = pytest.mark.django_db


def test_cli_token_works_as_bearer_and_is_stored_hashed(demo_orgs: Any, capsys: Any) -> None:
    from django.test import Client

    assert main(["token", "monitor"]) == 0
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("ulz_")
    stored = ApiToken.objects.get(user__username="monitor")
    assert raw not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
    me = Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert me.json()["username"] == "monitor"


def test_cli_token_for_unknown_user_fails_clearly(demo_orgs: Any, capsys: Any) -> None:
    assert main(["token", "nobody"]) == 2
    assert "no active user named 'nobody'" in capsys.readouterr().err


def test_revoked_token_is_refused(api: Any) -> None:
    from conftest import ApiClient

    created = api("analyst").post("/api/v1/accounts/tokens", {"name": "script"}).json()
    own = ApiClient(created["token"])
    assert own.get("/api/v1/accounts/me").status_code == 200
    assert own.delete(f"/api/v1/accounts/tokens/{created['id']}").status_code == 204
    assert own.get("/api/v1/accounts/me").status_code == 401


def test_production_passwords_use_argon2() -> None:
    from ulinzi import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
