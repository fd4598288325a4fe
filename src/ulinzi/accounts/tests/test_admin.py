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
        actor=actor,
        organisation=demo_orgs["cluster"],
        username="nurse.a",
        role="reporter",
        new_account=True,
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
        "/organisation/",
        {"action": "add_member", "username": "clerk", "role": "monitor", "new_account": "yes"},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user__username="clerk", role="monitor").exists()


def test_admin_resets_the_two_factor_sign_in_of_a_member_who_lost_it(
    user: Any, demo_orgs: Any
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ulinzi.accounts.models import ApiToken
    from ulinzi.audit.models import AuditEvent

    worker = user("case_worker")
    TOTPDevice.objects.create(user=worker, name="authenticator", confirmed=True)
    services.create_token(user=worker, name="bound", two_factor=True)
    services.create_token(user=worker, name="plain")
    membership = Membership.objects.get(user=worker, organisation=demo_orgs["cluster"])
    listing = _client(user("admin")).get("/organisation/?org=cluster").content.decode()
    assert listing.count('value="reset_two_factor"') == 1  # only the member with a device
    page = _client(user("admin")).post(
        "/organisation/?org=cluster",
        {"action": "reset_two_factor", "membership": membership.pk, "confirmed": "yes"},
        follow=True,
    )
    assert "Two-factor sign-in reset for case_worker" in page.content.decode()
    assert not TOTPDevice.objects.filter(user=worker).exists()
    tokens = dict(ApiToken.objects.filter(user=worker).values_list("name", "revoked_at"))
    assert tokens["bound"] is not None and tokens["plain"] is None
    event = AuditEvent.objects.get(action="reset_two_factor")
    assert event.object_id == str(worker.pk) and event.username == "admin"


def test_two_factor_reset_is_refused_outside_the_admins_organisation(
    user: Any, demo_orgs: Any
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    worker = user("case_worker")
    TOTPDevice.objects.create(user=worker, name="authenticator", confirmed=True)
    with pytest.raises(NotAllowed):  # an admin of another organisation
        services.reset_two_factor(
            actor=actor_for(user("admin2")), organisation=demo_orgs["cluster"], user=worker
        )
    with pytest.raises(NotAllowed):  # not an admin at all
        services.reset_two_factor(
            actor=actor_for(user("coordinator")), organisation=demo_orgs["cluster"], user=worker
        )
    with pytest.raises(InvalidInput):  # their own
        services.reset_two_factor(
            actor=actor_for(user("admin")), organisation=demo_orgs["cluster"], user=user("admin")
        )
    # Through the page, a membership of another organisation is not found.
    other = Membership.objects.filter(organisation=demo_orgs["amani"]).first()
    assert other is not None
    got = _client(user("admin")).post(
        "/organisation/?org=cluster", {"action": "reset_two_factor", "membership": other.pk}
    )
    assert got.status_code == 404
    assert TOTPDevice.objects.filter(user=worker).exists()


def test_an_unknown_username_is_refused_not_made_into_an_account(user: Any) -> None:
    from ulinzi.accounts.models import User

    admin = _client(user("admin"))
    page = admin.post(
        "/organisation/?org=cluster",
        {"action": "add_member", "username": "moniter", "role": "monitor"},
        follow=True,
    ).content.decode()
    assert "no account has this username" in page
    assert not User.objects.filter(username="moniter").exists()
    # an existing person is given the role without the box
    admin.post(
        "/organisation/?org=cluster",
        {"action": "add_member", "username": "monitor2", "role": "analyst"},
    )
    assert Membership.objects.filter(user__username="monitor2", role="analyst").exists()
    # and the box never takes over an account that exists
    page = admin.post(
        "/organisation/?org=cluster",
        {"action": "add_member", "username": "monitor2", "role": "admin", "new_account": "yes"},
        follow=True,
    ).content.decode()
    assert "an account with this username exists" in page
    assert not Membership.objects.filter(user__username="monitor2", role="admin").exists()


@pytest.mark.parametrize("action", ["remove_member", "reset_two_factor", "end_agreement"])
def test_destructive_actions_ask_first(user: Any, demo_orgs: Any, action: str) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    worker = user("case_worker")
    TOTPDevice.objects.create(user=worker, name="authenticator", confirmed=True)
    membership = Membership.objects.get(user=worker, organisation=demo_orgs["cluster"])
    agreement = services.share(
        actor=actor_for(user("admin")),
        provider=demo_orgs["cluster"],
        recipient_code="amani",
        domains=["gbv"],
        valid_from=date.today() - timedelta(days=3),
        valid_until=None,
    )
    field, value = (
        ("agreement", agreement.pk) if action == "end_agreement" else ("membership", membership.pk)
    )
    admin = _client(user("admin"))
    asked = admin.post("/organisation/?org=cluster", {"action": action, field: value})
    assert asked.status_code == 200
    html = asked.content.decode()
    assert 'id="question"' in html and 'name="confirmed" value="yes"' in html
    assert "onclick" not in html
    # nothing was done by the first click
    agreement.refresh_from_db()
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert TOTPDevice.objects.filter(user=worker).exists()
    assert agreement.valid_until is None
    done = admin.post(
        "/organisation/?org=cluster", {"action": action, field: value, "confirmed": "yes"}
    )
    assert done.status_code == 302
    agreement.refresh_from_db()
    if action == "remove_member":
        assert not Membership.objects.filter(pk=membership.pk).exists()
    elif action == "reset_two_factor":
        assert not TOTPDevice.objects.filter(user=worker).exists()
    else:
        assert agreement.valid_until == date.today()
