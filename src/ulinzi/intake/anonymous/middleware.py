"""Forget who is asking before anything else sees the request.

For the anonymous intake routes this middleware (first in ``MIDDLEWARE``) turns the
client address (:mod:`ulinzi.common.clients`: behind trusted proxies only) into the
keyed rate-limit HMAC of :mod:`.ratelimit`, then removes from
the request every header that could identify the client: address, forwarding headers,
user agent and client hints, and the referrer (a same-site referrer is cut to the bare
origin, which is all the CSRF check needs). Later middleware, views and Django's
loggers (``django.request`` passes the request to its handlers) only ever see the
stripped request. On the way out, every cookie these routes set is made one that ends
with the browser session, so nothing from them stays on the device.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse

from ulinzi.common import clients
from ulinzi.intake.anonymous import ratelimit

PROTECTED_PREFIXES = ("/api/v1/reports/anonymous", "/anonymous/")
IDENTIFYING = (
    "REMOTE_HOST",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CLIENT_IP",
    "HTTP_X_CLIENT_IP",
    "HTTP_X_CLUSTER_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_FASTLY_CLIENT_IP",
    "HTTP_VIA",
    "HTTP_USER_AGENT",
    "HTTP_FROM",
)


def is_protected(path: str) -> bool:
    return any(path.startswith(p) for p in PROTECTED_PREFIXES)


def forget_client(request: HttpRequest) -> None:
    """Keep the rate-limit key, drop the identifying headers (in place)."""
    meta = request.META
    clients.drop_untrusted_tls_header(meta)  # while the peer is still known
    request.anonymous_client = ratelimit.client_key(  # type: ignore[attr-defined]
        clients.client_id(meta)  # the address behind trusted proxies only
    )
    meta["REMOTE_ADDR"] = ""
    for name in IDENTIFYING:
        meta.pop(name, None)
    for name in [k for k in meta if k.startswith("HTTP_SEC_CH_UA")]:
        meta.pop(name, None)
    referer = meta.pop("HTTP_REFERER", None)
    if referer:
        parts = urlsplit(str(referer))
        if parts.scheme in ("http", "https") and parts.netloc == meta.get("HTTP_HOST"):
            meta["HTTP_REFERER"] = f"{parts.scheme}://{parts.netloc}/"


def forget_on_device(response: HttpResponse) -> None:
    """Every cookie the response sets lasts only until the browser closes (the CSRF
    cookie would otherwise stay a year): no Expires, no Max-Age. Deletions stay."""
    for morsel in response.cookies.values():
        if str(morsel["max-age"]) != "0":
            morsel["expires"] = ""
            morsel["max-age"] = ""


class ForgetClientMiddleware:
    """Apply :func:`forget_client` to the anonymous intake routes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_protected(request.path_info):
            forget_client(request)
            response = self.get_response(request)
            response.headers.setdefault("Cache-Control", "no-store")
            # Same-origin requests carry the page's real Origin (what the CSRF check
            # compares; under "no-referrer" Chromium sends "Origin: null" and every form
            # post is refused); no other site is told anything.
            response.headers["Referrer-Policy"] = "same-origin"
            forget_on_device(response)
            return response
        return self.get_response(request)
