"""Demo data for services, cases and complaints, and TOTP devices for the demo users
whose roles need two-factor authentication (their secrets are printed by ``ulinzi demo``
so an authenticator app, or ``oathtool --totp -b SECRET``, gives the codes)."""

from __future__ import annotations

from collections.abc import Callable

from django_otp.plugins.otp_totp.models import TOTPDevice

from ulinzi.accounts import twofactor
from ulinzi.accounts.access import actor_for
from ulinzi.accounts.models import User
from ulinzi.cases.models import Case, Complaint
from ulinzi.cases.services import casefile, consent, referrals, risk
from ulinzi.cases.services.complaints import intake
from ulinzi.directory import demo as directory_demo
from ulinzi.directory.models import Service


def totp_devices() -> list[tuple[str, str]]:
    """A confirmed TOTP device for each demo user with a case role: (username, secret)."""
    out = []
    names = [r.value for r in twofactor.TWO_FACTOR_ROLES]
    for user in User.objects.filter(username__in=names + [f"{n}2" for n in names]).order_by(
        "username"
    ):
        device = twofactor.confirmed_device(user)
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
        out.append((user.username, twofactor.secret_of(device)))
    return out


def _sample_case() -> None:
    worker = actor_for(User.objects.get(username="case_worker"))
    case = casefile.open_case(
        actor=worker,
        data={
            "country": "UKR",
            "admin1_pcode": "UA-63",
            "admin1_name": "Kharkivska oblast",
            "survivor_name": "Demo Survivor (not a real person)",
            "survivor_contact": "via the case worker only",
            "sex": "female",
            "age_group": "adult",
            "needs": ["safety_shelter", "psychosocial"],
            "summary": "Generated demo case; no real person or event is described.",
        },
    )
    consent.give(
        actor=worker,
        case=case,
        purpose="referral",
        recipient="amani",
        scope=["needs", "sex_age", "area", "summary"],
    )
    shelter = Service.objects.get(organisation__code="amani", name="Amani safe house")
    referrals.send(actor=worker, case=case, service_id=shelter.pk, note="Demo referral")


def _sample_complaint() -> None:
    investigator = actor_for(User.objects.get(username="investigator"))
    intake.create(
        actor=investigator,
        data={
            "kind": "sexual_exploitation",
            "country": "UKR",
            "description": "Generated demo complaint; no real person or event is described.",
            "subject_identity": "Demo subject (not a real person)",
        },
    )


def load(echo: Callable[[str], None] = print) -> None:
    new = directory_demo.load()
    echo(f"demo services: {new} new")
    risk.sync_instruments()
    if not Case.objects.filter(organisation__code="cluster").exists():
        _sample_case()
    if not Complaint.objects.exists():
        _sample_complaint()
    echo("\nTwo-factor secrets of the demo users who can see cases (add one to an authenticator")
    echo("app, or run `oathtool --totp -b SECRET`, to get the code the case pages ask for):")
    for username, secret in totp_devices():
        echo(f"  {username:<14} {secret}")
