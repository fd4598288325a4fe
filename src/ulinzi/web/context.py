"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language_bidi

from ulinzi.accounts.access import actor_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Direction of the page and the roles of the signed-in user (for the menu)."""
    user = getattr(request, "user", None)
    roles: set[str] = set()
    if user is not None and user.is_authenticated:
        roles = actor_for(user).all_roles()
    return {"rtl": get_language_bidi(), "my_roles": roles}
