"""Fixtures for the cases tests: a case of "cluster" with a referral consent for
"amani", a third organisation, and web clients verified with a TOTP code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client


def totp_code(device: Any) -> str:
    from django_otp.oath import TOTP

    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


@pytest.fixture
def as_actor(user: Any) -> Callable[[str], Any]:
    from ulinzi.accounts.access import actor_for

    return lambda name: actor_for(user(name))


@pytest.fixture
def third_org(demo_orgs: Any) -> Any:
    """Organisation "third" with a case worker and a coordinator, party to nothing."""
    from ulinzi.accounts import services

    org = services.ensure_organisation(code="third", name="Third (test)", kind="ingo")
    for role in ("case_worker", "coordinator"):
        services.ensure_user(username=f"{role}3", password="x" * 12, organisation=org, roles=[role])
    return org


@pytest.fixture
def services_(demo_orgs: Any) -> dict[str, Any]:
    from ulinzi.directory import demo
    from ulinzi.directory.models import Service

    demo.load()
    return {s.name: s for s in Service.objects.all()}


@pytest.fixture
def shelter(services_: dict[str, Any]) -> Any:
    return services_["Amani safe house"]


@pytest.fixture
def case(as_actor: Any, demo_orgs: Any) -> Any:
    from ulinzi.cases.services import casefile

    return casefile.open_case(
        actor=as_actor("case_worker"),
        data={
            "country": "UKR",
            "admin1_pcode": "UA-63",
            "survivor_name": "Olena Test",
            "survivor_contact": "+380 55 555 5555",
            "survivor_details": "Lives behind the market",
            "sex": "female",
            "age_group": "adult",
            "needs": ["safety_shelter", "psychosocial"],
            "summary": "Beaten by partner; needs a safe place tonight.",
        },
    )


@pytest.fixture
def consent_for_amani(case: Any, as_actor: Any) -> Any:
    from ulinzi.cases.services import consent

    return consent.give(
        actor=as_actor("case_worker"),
        case=case,
        purpose="referral",
        recipient="amani",
        scope=["needs", "sex_age", "survivor_name", "survivor_contact"],
    )


@pytest.fixture
def referral(case: Any, consent_for_amani: Any, shelter: Any, as_actor: Any) -> Any:
    from ulinzi.cases.services import referrals

    return referrals.send(actor=as_actor("case_worker"), case=case, service_id=shelter.pk)


@pytest.fixture
def verified(user: Any) -> Callable[[str], Client]:
    """A web client signed in as the user, with a TOTP device and a verified session."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def make(name: str) -> Client:
        client = Client()
        person = user(name)
        device = TOTPDevice.objects.filter(user=person, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=person, name="test", confirmed=True)
        client.force_login(person)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        return client

    return make
