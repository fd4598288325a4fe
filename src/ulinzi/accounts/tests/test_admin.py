"""The organisation admin manages members and agreements of their own organisation only."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from ulinzi.accounts import services
from ulinzi.accounts.access import actor_for
from ulinzi.accounts.models import Membership, SharingAgreement
from ulinzi.common.problems import InvalidInput, NotAllowed

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_admin_gives_a_role_and_the_new_user_can_sign_in(user: Any, demo_orgs: Any) -> None:
    actor = actor_for(user("admin"))
    new, password = services.add_member(
        actor=actor, organisation=demo_orgs["cluster"], username="nurse.a", role="reporter"
    )
    assert password and new.check_password(password)
    assert Membership.objects.filter(user=new, role="reporter").exists()
    assert Client().login(username="nurse.a", password=password)


def test_admin_of_another_organisation_is_refused(user: Any, demo_orgs: Any) -> None:
    with pytest.raises(NotAllowed):
        services.add_member(
            actor=actor_for(user("admin2")),
            organisation=demo_orgs["cluster"],
            username="x",
            role="monitor",
        )
    with pytest.raises(NotAllowed):
        services.add_member(
            actor=actor_for(user("coordinator")),
            organisation=demo_orgs["cluster"],
            username="x",
            role="monitor",
        )


def test_bad_role_and_username_are_named(user: Any, demo_orgs: Any) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.add_member(
            actor=actor_for(user("admin")),
            organisation=demo_orgs["cluster"],
            username="bad name!",
            role="king",
        )
    assert {p.field for p in exc.value.problems} == {"role", "username"}


def test_sharing_then_ending_changes_what_the_recipient_sees(
    user: Any, demo_orgs: Any, api: Any, make_incident: Any
) -> None:
    incident = make_incident("monitor", domain="gbv", types=["rape"])
    reader = api("coordinator2")
    assert reader.get(f"/api/v1/incidents/{incident.pk}").status_code == 404
    agreement = services.share(
        actor=actor_for(user("admin")),
        provider=demo_orgs["cluster"],
        recipient_code="amani",
        domains=["gbv"],
        valid_from=date.today(),
        valid_until=None,
    )
    assert reader.get(f"/api/v1/incidents/{incident.pk}").status_code == 200
    services.end_agreement(
        actor=actor_for(user("admin")), agreement=agreement, on=date.today() - timedelta(days=1)
    )
    assert reader.get(f"/api/v1/incidents/{incident.pk}").status_code == 404
    assert SharingAgreement.objects.filter(pk=agreement.pk).exists()


def test_admin_page_access(user: Any) -> None:
    assert _client(user("admin")).get("/organisation/").status_code == 200
    assert _client(user("coordinator")).get("/organisation/").status_code == 403
    response = _client(user("admin")).post(
        "/organisation/", {"action": "add_member", "username": "clerk", "role": "monitor"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user__username="clerk", role="monitor").exists()
