"""Deconfliction: lead time, sending to parties, party isolation, acknowledgement,
reminders and escalation, removal, exports, and the append-only record."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from ulinzi.alerts.deconfliction import exports, reminders, selectors
from ulinzi.alerts.deconfliction.models import Event, Notification, Site
from ulinzi.alerts.deconfliction.services import acknowledgement, registration, sending
from ulinzi.common.problems import InvalidInput, NotAllowed, NotFound


@pytest.fixture
def parties(demo_orgs: Any) -> dict[str, Any]:
    from ulinzi.alerts.deconfliction.demo import ensure_parties

    return ensure_parties("test-password")


@pytest.fixture
def who(parties: Any) -> Callable[[str], Any]:
    from ulinzi.accounts.access import actor_for
    from ulinzi.accounts.models import User

    return lambda username: actor_for(User.objects.get(username=username))


def _site(who: Any, **kw: Any) -> Site:
    data = {
        "name": "Amani warehouse",
        "site_type": "warehouse",
        "lat": 48.46,
        "lon": 35.04,
        "valid_from": date.today().isoformat(),
    }
    data.update(kw)
    return registration.register_site(actor=who("monitor2"), data=data)


def _movement_data(departs_in_hours: float, **kw: Any) -> dict[str, Any]:
    start = timezone.now() + timedelta(hours=departs_in_hours)
    data = {
        "purpose": "Medical supplies convoy",
        "route": [[48.46, 35.04], [47.84, 35.14]],
        "departure_from": start.isoformat(),
        "departure_until": (start + timedelta(hours=2)).isoformat(),
        "arrival_from": (start + timedelta(hours=3)).isoformat(),
        "arrival_until": (start + timedelta(hours=6)).isoformat(),
        "vehicles": 4,
        "people": 9,
        "cargo": "medicines",
    }
    data.update(kw)
    return data


def test_lead_time_refusal_names_departure(who: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        registration.register_movement(actor=who("monitor2"), data=_movement_data(30))
    [problem] = refused.value.problems
    assert problem.field == "departure_from"
    assert "48 h ahead" in problem.message and "departs in 30 h" in problem.message
    # 30 h is enough for an emergency movement (24 h).
    m = registration.register_movement(
        actor=who("monitor2"), data=_movement_data(30, emergency=True)
    )
    assert not m.lead_time_override
    # A monitor cannot override; the coordinator can, with a reason that is kept.
    with pytest.raises(NotAllowed):
        registration.register_movement(
            actor=who("monitor2"),
            data=_movement_data(5),
            override_lead_time=True,
            override_reason="x",
        )
    with pytest.raises(InvalidInput) as no_reason:
        registration.register_movement(
            actor=who("coordinator2"), data=_movement_data(5), override_lead_time=True
        )
    assert no_reason.value.problems[0].field == "override_reason"
    late = registration.register_movement(
        actor=who("coordinator2"),
        data=_movement_data(5),
        override_lead_time=True,
        override_reason="Evacuation of wounded",
    )
    assert late.lead_time_override and late.override_reason == "Evacuation of wounded"
    assert late.override_by is not None and late.override_by.username == "coordinator2"


def test_sending_is_refused_when_late_unless_overridden(who: Any) -> None:
    m = registration.register_movement(actor=who("monitor2"), data=_movement_data(50))
    later = timezone.now() + timedelta(hours=10)  # review took too long: 40 h left
    with pytest.raises(InvalidInput) as refused:
        sending.send(actor=who("coordinator2"), parties=["party-a"], movements=[m], now=later)
    assert refused.value.problems[0].field.endswith("departure_from")
    [batch] = sending.send(
        actor=who("coordinator2"),
        parties=["party-a"],
        movements=[m],
        override_lead_time=True,
        override_reason="Route confirmed late by the authorities",
        now=later,
    )
    n = batch.notifications.get()
    assert n.lead_time_override
    assert [e.type for e in n.events.all()] == ["sent", "lead_time_override"]
    assert n.events.get(type="lead_time_override").detail["reason"].startswith("Route")


def test_party_focal_point_sees_only_their_party(who: Any) -> None:
    site = _site(who)
    secret = _site(who, name="Clinic known to party B only")
    sending.send(actor=who("coordinator2"), parties=["party-a", "party-b"], sites=[site])
    sending.send(actor=who("coordinator2"), parties=["party-b"], sites=[secret])
    a, b = who("party-a-focal"), who("party-b-focal")
    assert {n.item_name for n in selectors.notifications(a)} == {"Amani warehouse"}
    assert {n.item_name for n in selectors.notifications(b)} == {
        "Amani warehouse",
        "Clinic known to party B only",
    }
    hidden = Notification.objects.get(party__code="party-b", site=secret)
    with pytest.raises(NotFound):
        selectors.notification(a, hidden.pk)
    with pytest.raises(NotAllowed):
        acknowledgement.acknowledge(actor=a, notifications=[hidden])
    with pytest.raises(NotAllowed):
        exports.party_notifications(a, "party-b")
    # Parties never see the humanitarian side's registry.
    assert not selectors.sites(a).exists() and not selectors.movements(a).exists()
    # Nor can anyone send to an organisation that is not a party.
    with pytest.raises(InvalidInput):
        sending.send(actor=who("coordinator2"), parties=["cluster"], sites=[site])


def test_acknowledge_each_or_batch(who: Any) -> None:
    s1, s2 = _site(who), _site(who, name="Amani office", site_type="office")
    m = registration.register_movement(actor=who("monitor2"), data=_movement_data(72))
    [batch] = sending.send(
        actor=who("coordinator2"), parties=["party-a"], sites=[s1, s2], movements=[m]
    )
    focal = who("party-a-focal")
    first = batch.notifications.get(site=s1)
    assert acknowledgement.acknowledge(actor=focal, notifications=[first]) == 1
    assert acknowledgement.acknowledge(actor=focal, notifications=[first]) == 0  # once
    assert acknowledgement.acknowledge_batch(actor=focal, batch=batch) == 2
    assert not batch.notifications.filter(acknowledged_at__isnull=True).exists()
    assert {n.acknowledged_by.username for n in batch.notifications.all() if n.acknowledged_by} == {
        "party-a-focal"
    }
    assert batch.notifications.filter(acknowledged_by__isnull=True).count() == 0
    # Sending the same item to the same party again creates nothing new.
    assert sending.send(actor=who("coordinator2"), parties=["party-a"], sites=[s1]) == []


def test_reminders_then_escalation(who: Any, settings: Any, user: Any) -> None:
    settings.ULINZI_DECONFLICTION_ACK_HOURS = 24
    settings.ULINZI_DECONFLICTION_REMINDER_HOURS = 6
    settings.ULINZI_DECONFLICTION_REMINDERS = 2
    t0 = timezone.now()
    [batch] = sending.send(
        actor=who("coordinator2"), parties=["party-a"], sites=[_site(who)], now=t0
    )
    n = batch.notifications.get()
    assert reminders.check(now=t0 + timedelta(hours=23)) == {
        "deconfliction_reminders": 0,
        "deconfliction_escalations": 0,
    }
    assert reminders.check(now=t0 + timedelta(hours=24))["deconfliction_reminders"] == 1
    assert reminders.check(now=t0 + timedelta(hours=25))["deconfliction_reminders"] == 0
    assert reminders.check(now=t0 + timedelta(hours=30))["deconfliction_reminders"] == 1
    result = reminders.check(now=t0 + timedelta(hours=36))
    assert result == {"deconfliction_reminders": 0, "deconfliction_escalations": 1}
    assert reminders.check(now=t0 + timedelta(hours=90))["deconfliction_escalations"] == 0
    n.refresh_from_db()
    assert [e.type for e in n.events.all()] == ["sent", "reminder", "reminder", "escalated"]
    assert list(selectors.overdue(who("coordinator2"))) == [n]
    # An acknowledged notification is never reminded.
    [other] = sending.send(
        actor=who("coordinator2"), parties=["party-b"], sites=[_site(who, name="B")], now=t0
    )
    acknowledgement.acknowledge(
        actor=who("party-b-focal"), notifications=list(other.notifications.all()), now=t0
    )
    assert not Event.objects.filter(notification__party__code="party-b", type="reminder").exists()


def test_removal_is_notified_and_acknowledged(who: Any) -> None:
    site = _site(who)
    sending.send(actor=who("coordinator2"), parties=["party-a", "party-b"], sites=[site])
    registration.request_site_removal(actor=who("monitor2"), site=site, reason="Warehouse closed")
    site.refresh_from_db()
    assert site.status == "removal_requested"
    with pytest.raises(InvalidInput):  # a site being removed is not sent again
        sending.send(actor=who("coordinator2"), parties=["party-a"], sites=[site])
    batches = sending.send_removal(actor=who("coordinator2"), site=site)
    assert sorted(b.party.code for b in batches) == ["party-a", "party-b"]
    removal = Notification.objects.get(party__code="party-a", kind="site_removal")
    assert removal.content["removal_reason"] == "Warehouse closed"
    acknowledgement.acknowledge(actor=who("party-a-focal"), notifications=[removal])
    site.refresh_from_db()
    assert site.status == "removed"
    # A site never notified is simply removed.
    fresh = _site(who, name="Never sent")
    assert registration.request_site_removal(actor=who("monitor2"), site=fresh).status == "removed"


def test_exports_carry_hxl_geometry_and_the_notice(who: Any) -> None:
    site = _site(who)
    m = registration.register_movement(actor=who("monitor2"), data=_movement_data(72))
    sending.send(actor=who("coordinator2"), parties=["party-a"], sites=[site], movements=[m])
    party, qs = exports.party_notifications(who("party-a-focal"), "party-a")
    rows = list(csv.reader(io.StringIO(exports.to_csv(qs))))
    assert "voluntary" in rows[0][0] and "guarantees nothing" in rows[0][0]
    tags = rows[2]
    assert tags[0] == "#meta+id" and "#geo+lat" in tags and "#date+start" in tags
    body = [dict(zip(tags, r, strict=True)) for r in rows[3:]]
    assert {r["#loc+name"] for r in body} == {"Amani warehouse", "Medical supplies convoy"}
    geo = json.loads(exports.to_geojson(party, qs))
    assert "voluntary" in geo["notice"]
    shapes = {f["properties"]["name"]: f["geometry"] for f in geo["features"]}
    assert shapes["Amani warehouse"] == {"type": "Point", "coordinates": [35.04, 48.46]}
    assert shapes["Medical supplies convoy"]["type"] == "LineString"
    assert shapes["Medical supplies convoy"]["coordinates"][0] == [35.04, 48.46]


def test_the_record_is_append_only(who: Any) -> None:
    [batch] = sending.send(actor=who("coordinator2"), parties=["party-a"], sites=[_site(who)])
    event = Event.objects.get()
    event.detail = {"changed": True}
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        Event.objects.filter(pk=event.pk).update(detail={})
    with pytest.raises(PermissionError):
        Event.objects.all().delete()
    assert batch.notifications.get().content["name"] == "Amani warehouse"


def test_only_coordinators_of_the_items_send(who: Any) -> None:
    site = _site(who)
    with pytest.raises(NotAllowed):
        sending.send(actor=who("coordinator"), parties=["party-a"], sites=[site])  # cluster
    with pytest.raises(NotAllowed):
        sending.send(actor=who("monitor2"), parties=["party-a"], sites=[site])
    with pytest.raises(NotAllowed):
        registration.register_site(actor=who("party-a-focal"), data={"name": "x"})
