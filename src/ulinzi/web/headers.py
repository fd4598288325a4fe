"""Headers on every response of the app: a Content-Security-Policy, and no caching.

**Content-Security-Policy**: scripts and styles only from Ulinzi's own origin (its static
files, vendored libraries included) or an inline ``<script>``/``<style>`` element that
carries the request's nonce (``{{ csp_nonce }}`` in templates); no inline event
handlers, no ``style`` attributes, no ``eval``, no plug-ins, no framing, forms post only to
Ulinzi. Images may also come from ``data:`` URLs and, when ``ULINZI_TILE_URL`` is set, from
the tile server's origin.

**Cache-Control: no-store** on every response that does not set its own: pages and API
answers show incidents, cases, complaints and receipt follow-ups, and none of it may stay
in a browser's or a proxy's cache. Static files are served before this middleware
(WhiteNoise) and keep their own caching.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

NONCE = "'nonce-{nonce}'"


@cache
def _policy_template(tile_url: str) -> str:
    tiles = urlsplit(tile_url)  # e.g. https://{s}.tile.example/{z}/{x}/{y}.png
    netloc = tiles.netloc.replace("{s}", "*")
    tile_origin = f"{tiles.scheme}://{netloc}" if tiles.scheme and netloc else ""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:", tile_origin],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(
        " ".join([name, *(v for v in values if v)]) for name, values in directives.items()
    )


def policy(nonce: str) -> str:
    """The Content-Security-Policy header value for a response with this nonce."""
    tile_url = str(getattr(settings, "ULINZI_TILE_URL", "") or "")
    return _policy_template(tile_url).replace("{nonce}", nonce)


class SecurityHeadersMiddleware:
    """Gives each request a nonce (``request.csp_nonce``) and each response the policy
    and, unless it has one, ``Cache-Control: no-store``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if not (settings.DEBUG and response.status_code >= 400):  # Django's debug pages
            response.headers["Content-Security-Policy"] = policy(nonce)
        response.headers.setdefault("Cache-Control", "no-store")
        return response


def csp_nonce(request: HttpRequest) -> dict[str, str]:
    """Template context: ``csp_nonce`` for inline ``<script>`` and ``<style>`` elements."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
