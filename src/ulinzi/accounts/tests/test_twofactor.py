"""TOTP enrolment and verification; 2FA-bound tokens (sign-in lockout: test_lockout.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ulinzi.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def test_enrol_then_verify(client: Any, user: Any, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's back-off after a failure, off here
    client.force_login(user("case_worker"))
    page = client.get("/account/2fa/setup/?next=/directory/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user("case_worker"))
    assert device.confirmed is False
    html = page.content.decode()
    assert "<svg" in html and 'id="totp-secret"' in html
    wrong = client.post("/account/2fa/setup/", {"code": "000000", "next": "/directory/"})
    assert wrong.status_code == 200 and client.session.get("otp_device_id") is None
    right = client.post("/account/2fa/setup/", {"code": code_for(device), "next": "/directory/"})
    assert right.status_code == 302 and right["Location"] == "/directory/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.session["otp_device_id"] == device.persistent_id
    # A verified session makes 2FA-bound tokens; the API then reports them bound.
    client.post("/tokens/", {"name": "bound"})
    assert ApiToken.objects.get(name="bound").two_factor is True


def test_no_second_enrolment_with_a_password_alone(client: Any, user: Any) -> None:
    device = TOTPDevice.objects.create(user=user("investigator"), confirmed=True)
    client.force_login(user("investigator"))
    assert client.get("/account/2fa/setup/")["Location"].startswith("/account/2fa/")
    assert TOTPDevice.objects.filter(user=user("investigator")).count() == 1
    client.post("/tokens/", {"name": "unbound"})
    assert ApiToken.objects.get(name="unbound").two_factor is False
    bad = client.post("/account/2fa/", {"code": "12x456"})
    assert bad.status_code == 200 and client.session.get("otp_device_id") is None
    good = client.post("/account/2fa/", {"code": code_for(device), "next": "https://evil.test/"})
    assert good.status_code == 302 and good["Location"] == "/"
    assert client.session["otp_device_id"] == device.persistent_id
