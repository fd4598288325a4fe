"""Who sees what: the holder, the coordinators, the receiver of a referral, and a third
organisation (which sees nothing); two-factor authentication for case roles."""

from __future__ import annotations

from typing import Any

import pytest

from ulinzi.accounts.models import User
from ulinzi.accounts.services import create_token

pytestmark = pytest.mark.django_db


def test_third_organisation_sees_nothing(
    api: Any, third_org: Any, case: Any, referral: Any
) -> None:
    for name in ("case_worker3", "coordinator3"):
        client = api(name)
        assert client.get(f"/api/v1/cases/{case.pk}").status_code == 404
        assert client.get(f"/api/v1/cases/{case.pk}/access-log").status_code == 404
        assert client.get(f"/api/v1/referrals/{referral.pk}").status_code == 404
        assert (
            client.post(f"/api/v1/referrals/{referral.pk}/respond", {"accept": True}).status_code
            == 404
        )
        assert client.get("/api/v1/cases").json() == []
        assert client.get("/api/v1/referrals").json() == []
        assert client.get("/api/v1/cases/protocol").json() == []
        assert "Olena" not in client.get("/api/v1/cases").content.decode()


def test_sender_sees_status_receiver_sees_summary(api: Any, case: Any, referral: Any) -> None:
    sender = api("case_worker").get(f"/api/v1/referrals/{referral.pk}").json()
    assert sender["side"] == "sender" and sender["shared"] is None
    assert sender["case_id"] == str(case.pk)
    receiver = api("case_worker2").get(f"/api/v1/referrals/{referral.pk}").json()
    assert receiver["side"] == "receiver" and receiver["shared"]["survivor_name"] == "Olena Test"
    # The receiver cannot open the case file itself, nor act as the sender.
    assert api("case_worker2").get(f"/api/v1/cases/{case.pk}").status_code == 404
    refused = api("case_worker").post(f"/api/v1/referrals/{referral.pk}/respond", {"accept": True})
    assert refused.status_code == 403


def test_need_to_know_inside_the_organisation(api: Any, demo_orgs: Any, case: Any) -> None:
    from ulinzi.accounts import services

    services.ensure_user(
        username="colleague",
        password="x" * 12,
        organisation=demo_orgs["cluster"],
        roles=["case_worker"],
    )
    assert api("colleague").get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert api("coordinator").get(f"/api/v1/cases/{case.pk}").status_code == 200
    moved = api("coordinator").patch(f"/api/v1/cases/{case.pk}", {"assigned_to": "colleague"})
    assert moved.status_code == 200
    assert api("colleague").get(f"/api/v1/cases/{case.pk}").status_code == 200
    assert api("case_worker").get(f"/api/v1/cases/{case.pk}").status_code == 200  # opened it
    refused = api("case_worker").patch(f"/api/v1/cases/{case.pk}", {"assigned_to": "case_worker"})
    assert refused.status_code == 403


class _Bearer:
    def __init__(self, token: str) -> None:
        from django.test import Client

        self.client, self.token = Client(), token

    def get(self, path: str) -> Any:
        return self.client.get(path, HTTP_AUTHORIZATION=f"Bearer {self.token}")


def test_case_roles_need_a_two_factor_bound_token(case: Any) -> None:
    plain = _Bearer(create_token(user=User.objects.get(username="case_worker")))
    refused = plain.get(f"/api/v1/cases/{case.pk}")
    assert refused.status_code == 403 and "two-factor" in refused.json()["detail"]
    assert plain.get("/api/v1/referrals").status_code == 403
    bound = _Bearer(create_token(user=User.objects.get(username="case_worker"), two_factor=True))
    assert bound.get(f"/api/v1/cases/{case.pk}").status_code == 200
    # The directory is no case data: no second factor needed.
    assert plain.get("/api/v1/services").status_code == 200


def test_pages_need_a_verified_session(client: Any, user: Any, case: Any, verified: Any) -> None:
    client.force_login(user("case_worker"))
    to_setup = client.get(f"/cases/{case.pk}/")
    assert to_setup.status_code == 302 and to_setup["Location"].startswith("/account/2fa/setup/")
    page = verified("case_worker").get(f"/cases/{case.pk}/")
    assert page.status_code == 200 and "Olena Test" in page.content.decode()
    assert verified("coordinator2").get(f"/cases/{case.pk}/").status_code == 404
    client.force_login(user("analyst"))  # no case role: no second factor asked, no access
    assert client.get("/cases/").status_code == 403


def test_survivor_identity_is_encrypted_at_rest_and_rotated(case: Any) -> None:
    from django.db import connection

    from ulinzi.common import keyrotation

    columns = {(m._meta.label, c) for m, c in keyrotation.encrypted_columns()}
    for column in ("survivor_name", "survivor_contact", "survivor_details", "summary"):
        assert ("cases.Case", column) in columns
    assert ("cases.CaseNote", "body") in columns
    with connection.cursor() as cur:
        cur.execute(
            "SELECT survivor_name, survivor_contact FROM cases_case WHERE id = %s",
            [case.pk.hex if connection.vendor == "sqlite" else case.pk],
        )
        raw = cur.fetchone()
    assert raw is not None and "Olena" not in raw[0] and "555" not in raw[1]
