"""Pages to enrol an authenticator app and to verify a code."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ulinzi.accounts import twofactor
from ulinzi.accounts.models import User


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return "/"
    return target


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Show the secret and QR code of a new device; a first good code confirms it.

    Only while the user has no confirmed device: replacing one is an operator's task, so
    a password alone never enrols a second authenticator."""
    user = request.user
    assert isinstance(user, User)
    if twofactor.confirmed_device(user):
        return redirect("twofactor:verify")
    device = twofactor.pending_device(user)
    if request.method == "POST":
        if twofactor.verify(request, device, request.POST.get("code", "")):
            messages.info(request, _("Two-factor authentication is on for your account."))
            return redirect(_next(request))
        messages.error(request, _("That code is not right. Check the time on your phone."))
    return render(
        request,
        "accounts/twofactor_setup.html",
        {
            "secret": twofactor.secret_of(device),
            "qr": twofactor.qr_svg(device),
            "next": _next(request),
        },
    )


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Enter the current code from the authenticator app."""
    user = request.user
    assert isinstance(user, User)
    device = twofactor.confirmed_device(user)
    if device is None:
        return redirect("twofactor:setup")
    if request.method == "POST":
        if twofactor.verify(request, device, request.POST.get("code", "")):
            return redirect(_next(request))
        messages.error(request, _("That code is not right, or too many tries: wait and retry."))
    return render(request, "accounts/twofactor_verify.html", {"next": _next(request)})
