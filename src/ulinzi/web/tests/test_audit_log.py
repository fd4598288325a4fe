"""The audit log page: filters by user, action, record and date, links to the records it
names, words for its codes, the audit of role changes, and who may not browse it."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ulinzi.accounts.models import Membership, Organisation
from ulinzi.audit.models import AuditEvent

PASSWORD = "ulinzi-demo"


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def event_rows(html: str) -> list[str]:
    body = html.split('<table class="audit">', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)


@pytest.fixture
def reads(make_incident: Any) -> dict[str, Any]:
    """Two incidents of cluster, each read once, by different members."""
    first = make_incident("monitor", narrative="Seen by a nurse.")
    second = make_incident("coordinator", narrative="Told by a driver.")
    signed_in("monitor").get(f"/incidents/{first.id}/")
    signed_in("coordinator").get(f"/incidents/{second.id}/")
    return {"first": first, "second": second}


def test_the_log_filters_by_user_action_and_record(reads: Any) -> None:
    admin = signed_in("admin")
    first, second = str(reads["first"].id), str(reads["second"].id)

    rows = event_rows(admin.get("/audit/", {"user": "Monitor"}).content.decode())
    assert rows and all("monitor" in r and "coordinator" not in r for r in rows)
    assert any(first in r for r in rows) and not any(second in r for r in rows)

    rows = event_rows(admin.get("/audit/", {"record": second.upper()}).content.decode())
    assert len(rows) == 1 and "coordinator" in rows[0]

    html = admin.get("/audit/", {"action": "read"}).content.decode()
    assert '<option value="read" selected>Read</option>' in html
    assert len(event_rows(html)) == 2

    html = admin.get("/audit/", {"action": "read", "user": "analyst"}).content.decode()
    assert "No event matches these filters." in html


def test_the_log_filters_by_date(reads: Any) -> None:
    old = AuditEvent.objects.get(object_id=str(reads["first"].id))
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=40))
    admin = signed_in("admin")
    today = timezone.localdate()
    recent = (today - timedelta(days=7)).isoformat()

    rows = event_rows(admin.get("/audit/", {"date_from": recent}).content.decode())
    assert len(rows) == 1 and str(reads["second"].id) in rows[0]
    rows = event_rows(admin.get("/audit/", {"date_to": recent}).content.decode())
    assert len(rows) == 1 and str(reads["first"].id) in rows[0]


def test_a_bad_date_is_named_on_its_field(reads: Any) -> None:
    admin = signed_in("admin")
    response = admin.get("/audit/", {"date_from": "yesterday"})
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'id="id_date_from-error">[^<]*valid date', html)
    response = admin.get("/audit/", {"date_from": "2025-02-01", "date_to": "2025-01-01"})
    assert response.status_code == 400
    assert 'id="id_date_to-error">This date is before the first one.' in response.content.decode()


def test_each_event_links_to_its_record_and_reads_in_words(reads: Any) -> None:
    first = str(reads["first"].id)
    html = signed_in("admin").get("/audit/", {"record": first}).content.decode()
    (row,) = event_rows(html)
    assert f'<a href="/incidents/{first}/">Incident</a>' in row
    assert f'href="?record={first}&amp;user=monitor"' in row
    assert "<td>Read</td>" in row


def test_giving_and_removing_a_role_is_in_the_log(demo_orgs: Any) -> None:
    admin = signed_in("admin")
    cluster = Organisation.objects.get(code="cluster")
    response = admin.post(
        "/organisation/?org=cluster",
        {"action": "add_member", "username": "analyst", "role": "monitor"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(
        user__username="analyst", organisation=cluster, role="monitor"
    )
    given = AuditEvent.objects.get(action="role.give")
    assert given.username == "admin" and given.owner_organisation == "cluster"
    assert given.detail == {"username": "analyst", "role": "monitor", "new_account": False}

    response = admin.post(
        "/organisation/?org=cluster",
        {"action": "remove_member", "membership": membership.pk, "confirmed": "yes"},
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    removed = AuditEvent.objects.get(action="role.remove")
    assert removed.object_id == str(membership.user_id)

    html = admin.get("/audit/", {"action": "role.remove"}).content.decode()
    (row,) = event_rows(html)
    assert "Role removed" in row and "analyst" in row


@pytest.mark.parametrize("username", ["monitor", "coordinator", "analyst", "reporter"])
def test_who_is_not_an_admin_cannot_filter_the_log(reads: Any, username: str) -> None:
    response = signed_in(username).get("/audit/", {"record": str(reads["first"].id)})
    assert response.status_code == 403
    assert '<table class="audit">' not in response.content.decode()


def test_another_organisations_admin_finds_nothing_of_ours(reads: Any) -> None:
    response = signed_in("admin2").get("/audit/", {"record": str(reads["first"].id)})
    assert response.status_code == 200
    assert event_rows(response.content.decode()) == [
        '<td colspan="6">No event matches these filters.</td>'
    ]
    users = signed_in("admin2").get("/audit/").content.decode().split('id="audit-users"')[1]
    assert 'value="monitor"' not in users.split("</datalist>")[0]
