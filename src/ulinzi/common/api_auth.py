"""Authentication for the JSON API: bearer tokens for machines, the session for the browser."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from ulinzi.accounts.access import Actor, of_request
from ulinzi.accounts.services import user_for_token


class BearerToken(HttpBearer):
    """``Authorization: Bearer ulz_...`` tokens created with ``ulinzi token``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


API_AUTH = [BearerToken(), SessionAuth()]


def actor(request: HttpRequest) -> Actor:
    """The acting user of an API request, computed once per request."""
    return of_request(request)
