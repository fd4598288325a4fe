"""Helpers shared by the case pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ulinzi.common.problems import InvalidInput, NotAllowed, NotFound


def forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    return render(request, "web/forbidden.html", {"message": message}, status=403)


def attempt(request: HttpRequest, action: Callable[[], Any], done: str) -> Any:
    """Run a service call; report its problems as messages instead of failing."""
    try:
        result = action()
    except InvalidInput as exc:
        for p in exc.problems:
            messages.error(request, f"{p.field}: {p.message}")
        return None
    except (NotAllowed, NotFound) as exc:
        messages.error(request, str(exc))
        return None
    if done:
        messages.info(request, done)
    return result
