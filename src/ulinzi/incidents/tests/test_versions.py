"""Incident versions in the API: ETag on reads and writes, If-Match refusing a stale write."""

from __future__ import annotations

from typing import Any

import pytest

from ulinzi.incidents.models import Incident, IncidentChange

pytestmark = pytest.mark.django_db

BASE = {"domain": "health_care_attack", "occurred_on": "2024-05-02", "country": "UKR"}


def _send(client: Any, method: str, path: str, body: Any, if_match: str) -> Any:
    return getattr(client.client, method)(
        path, data=body, content_type="application/json", HTTP_IF_MATCH=if_match, **client.headers
    )


@pytest.fixture
def recorded(api: Any) -> tuple[Any, str]:
    client = api("coordinator")
    made = client.post("/api/v1/incidents", {**BASE, "killed": 1})
    assert made.status_code == 201
    assert made["ETag"] == '"1"' and made.json()["version"] == 1
    return client, f"/api/v1/incidents/{made.json()['id']}"


def test_reads_and_writes_carry_the_version_as_etag(recorded: tuple[Any, str]) -> None:
    client, url = recorded
    assert client.get(url)["ETag"] == '"1"'
    changed = _send(client, "patch", url, {"killed": 2}, '"1"')
    assert changed.status_code == 200, changed.content
    assert (changed["ETag"], changed.json()["version"]) == ('"2"', 2)
    assert client.get(url)["ETag"] == '"2"'
    unchanged = client.patch(url, {"killed": 2})  # nothing to change: same version
    assert unchanged["ETag"] == '"2"'
    verified = _send(client, "post", f"{url}/verify", {"note": "seen"}, 'W/"2"')
    assert (verified.status_code, verified["ETag"]) == (200, '"3"')
    rejected = _send(client, "post", f"{url}/reject", {"reason": "no"}, "*")
    assert (rejected.status_code, rejected["ETag"]) == (200, '"4"')


def test_a_stale_if_match_is_refused_with_412_and_the_current_version(
    recorded: tuple[Any, str],
) -> None:
    client, url = recorded
    assert client.patch(url, {"injured": 3}).status_code == 200  # someone else: version 2
    for method, path, body in (
        ("patch", url, {"killed": 9}),
        ("post", f"{url}/verify", {"certainty": "confirmed"}),
        ("post", f"{url}/reject", {"reason": "not credible"}),
    ):
        refused = _send(client, method, path, body, '"1"')
        assert refused.status_code == 412, (path, refused.content)
        assert refused["Content-Type"] == "application/problem+json"
        assert refused["ETag"] == '"2"'
        assert (refused.json()["status"], refused.json()["version"]) == (412, 2)
    incident = Incident.objects.get(pk=url.rsplit("/", 1)[1])
    assert (incident.killed, incident.injured, incident.status, incident.version) == (
        1,
        3,
        "submitted",
        2,
    )
    assert IncidentChange.objects.filter(incident=incident).count() == 2


def test_an_if_match_that_is_no_etag_is_named_in_a_422(recorded: tuple[Any, str]) -> None:
    client, url = recorded
    for bad in ("1", '"1", "2"', '"x"'):
        answer = _send(client, "patch", url, {"killed": 9}, bad)
        assert answer.status_code == 422, (bad, answer.content)
        assert answer.json()["errors"][0]["field"] == "If-Match"
    assert Incident.objects.get(pk=url.rsplit("/", 1)[1]).killed == 1


def test_a_user_who_may_not_edit_is_refused_before_any_version_check(
    recorded: tuple[Any, str], api: Any
) -> None:
    _, url = recorded
    analyst = api("analyst")
    assert analyst.get(url)["ETag"] == '"1"'
    assert _send(analyst, "patch", url, {"killed": 9}, '"1"').status_code == 403
    assert _send(analyst, "patch", url, {"killed": 9}, '"7"').status_code == 403
    assert _send(analyst, "post", f"{url}/verify", {}, '"7"').status_code == 403


# -- pages -----------------------------------------------------------------------------


def _signed_in(username: str) -> Any:
    from django.test import Client

    client = Client()
    assert client.login(username=username, password="ulinzi-demo")
    return client


def _shown_version(html: str) -> int:
    import re

    found = re.search(r'name="version" value="(\d+)"', html)
    assert found, "the form carries no version"
    return int(found.group(1))


def _edit_form(**changes: Any) -> dict[str, Any]:
    data = {
        "domain": "protection",
        "occurred_on": "2025-01-15",
        "occurred_precision": "day",
        "country": "UKR",
        "cause": "unknown",
        "killed": "2",
        "narrative": "",
    }
    return data | changes


def test_a_stale_save_shows_what_is_saved_now_and_keeps_what_was_typed(
    make_incident: Any, user: Any
) -> None:
    from ulinzi.accounts.access import actor_for
    from ulinzi.incidents import services

    incident = make_incident("monitor", killed=2)
    page = _signed_in("monitor")
    opened = _shown_version(page.get(f"/incidents/{incident.id}/edit/").content.decode())
    assert opened == 1
    services.update(  # someone else saves meanwhile
        actor=actor_for(user("coordinator")), incident=incident, data={"injured": 4}
    )
    typed = _edit_form(killed="5", admin1_name="Kupiansk", version=opened)
    stale = page.post(f"/incidents/{incident.id}/edit/", typed)
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Someone else saved this record while you were editing it" in html
    assert 'name="killed" value="5"' in html and 'value="Kupiansk"' in html  # kept
    assert "Saved now: 4" in html  # the other person's change, beside the field
    assert "Saved now: 2" in html  # what the typed 5 would replace
    assert _shown_version(html) == 2
    incident.refresh_from_db()
    assert (incident.killed, incident.injured, incident.admin1_name) == (2, 4, "")
    # Saving the kept input again, knowingly, now goes through.
    again = page.post(f"/incidents/{incident.id}/edit/", typed | {"version": 2})
    assert again.status_code == 302
    incident.refresh_from_db()
    assert (incident.killed, incident.admin1_name, incident.version) == (5, "Kupiansk", 3)


def test_an_edit_without_the_version_is_not_saved(make_incident: Any) -> None:
    incident = make_incident("monitor", killed=2)
    answer = _signed_in("monitor").post(f"/incidents/{incident.id}/edit/", _edit_form(killed="5"))
    assert answer.status_code == 200
    assert "This page is out of date" in answer.content.decode()
    incident.refresh_from_db()
    assert incident.killed == 2


@pytest.mark.parametrize(
    ("action", "typed"), [("verify", {"note": "Seen on site"}), ("reject", {"reason": "Rumour"})]
)
def test_a_stale_verification_or_rejection_keeps_what_was_typed(
    make_incident: Any, user: Any, action: str, typed: dict[str, str]
) -> None:
    from ulinzi.accounts.access import actor_for
    from ulinzi.incidents import services

    incident = make_incident("monitor", killed=2)
    page = _signed_in("coordinator")
    opened = _shown_version(page.get(f"/incidents/{incident.id}/").content.decode())
    services.update(actor=actor_for(user("monitor")), incident=incident, data={"killed": 9})
    stale = page.post(f"/incidents/{incident.id}/{action}/", typed | {"version": opened})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Someone else changed this record after you opened it" in html
    assert f'value="{next(iter(typed.values()))}"' in html
    incident.refresh_from_db()
    assert (incident.status, incident.version) == ("submitted", 2)
    done = page.post(f"/incidents/{incident.id}/{action}/", typed | {"version": 2})
    assert done.status_code == 302
    incident.refresh_from_db()
    assert incident.status == {"verify": "verified", "reject": "rejected"}[action]
