"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language_bidi

from ulinzi.accounts.access import of_request
from ulinzi.web.navigation import may_open


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Direction of the page and the sections of the menu the actor may open."""
    return {
        "rtl": get_language_bidi(),
        "may_open": may_open(of_request(request)),
    }
