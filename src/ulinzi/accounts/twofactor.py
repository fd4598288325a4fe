"""TOTP two-factor authentication (django-otp) for the roles that can see cases.

Web: a user holding any of :data:`TWO_FACTOR_ROLES` must verify a code from their
authenticator app once per session before any page that shows cases, complaints or
protective measures (:func:`two_factor_required`); the first time, they enrol.

API: a bearer token is *2FA-bound* when it was created from a session that had been
verified with a code (``ApiToken.two_factor``); only bound tokens reach the case
endpoints for those roles (:func:`request_verified`). Tokens made with the ``ulinzi
token`` command on the server are not bound.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

import django_otp
import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from ulinzi.accounts.access import Actor, of_request
from ulinzi.accounts.models import ApiToken, User, hash_token
from ulinzi.accounts.roles import Role

TWO_FACTOR_ROLES = (Role.CASE_WORKER, Role.INVESTIGATOR, Role.COORDINATOR)


def required_for(actor: Actor) -> bool:
    """Whether the actor holds a role that can see cases."""
    return actor.has_role(*TWO_FACTOR_ROLES)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled (made on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The base-32 secret an authenticator app takes when typed in."""
    from base64 import b32encode

    return b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` URI of the device as an inline SVG QR code."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4))


def session_verified(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def verify(request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """Check ``code`` (django-otp throttles repeated failures); on success mark the
    session verified, and confirm a device being enrolled."""
    code = "".join(str(code).split())
    if not code.isdigit() or not device.verify_token(code):
        return False
    if not device.confirmed:
        TOTPDevice.objects.filter(user=device.user, confirmed=False).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    django_otp.login(request, device)
    return True


def _bearer(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def request_verified(request: HttpRequest) -> bool:
    """A 2FA-bound bearer token, or a session verified with a code."""
    raw = _bearer(request)
    if raw:
        token = ApiToken.objects.filter(token_hash=hash_token(raw), revoked_at__isnull=True).first()
        if token is not None:
            return bool(token.two_factor)
    return session_verified(request)


def two_factor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; users with a case role must also have verified a code."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if required_for(of_request(request)) and not session_verified(request):
            assert isinstance(request.user, User)
            target = "twofactor:verify" if confirmed_device(request.user) else "twofactor:setup"
            return redirect(reverse(target) + "?" + urlencode({"next": request.get_full_path()}))
        return view(request, *args, **kwargs)

    return login_required(wrapped)
