"""Every case endpoint starts here: the acting user, refused without 2FA when their
role can see cases (a 2FA-bound token, or a session verified with a TOTP code)."""

from __future__ import annotations

from django.http import HttpRequest

from ulinzi.accounts import twofactor
from ulinzi.accounts.access import Actor
from ulinzi.common.api_auth import actor
from ulinzi.common.problems import NotAllowed


def case_actor(request: HttpRequest) -> Actor:
    who = actor(request)
    if twofactor.required_for(who) and not twofactor.request_verified(request):
        raise NotAllowed(
            "two-factor authentication required: use a token created from a session "
            "verified with your authenticator code"
        )
    return who
