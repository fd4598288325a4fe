"""Areas are chosen by name on the alert, subscription and referral-pathway pages
(``pickers.area_pcode``), and shown by name where an alert or subscription names them
(``pickers.area_name``): a country, an ISO 3166-2 subdivision, or an area that incidents
the reader may see record with its P-code, never one the reader may not see."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from ulinzi.accounts.access import actor_for
from ulinzi.accounts.models import User
from ulinzi.alerts.models import Alert, Subscription
from ulinzi.web.pickers import area_name, area_pcode


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password="ulinzi-demo")
    return client


def who(username: str) -> Any:
    return actor_for(User.objects.get(username=username))


@pytest.fixture
def places(make_incident: Any) -> None:
    make_incident(country="UKR", admin1_name="Odeska", admin1_pcode="UA51")
    # GBV is not shared with Amani: its monitor2 never learns of this area.
    make_incident(domain="gbv", country="UKR", admin1_name="Hidden-Oblast", admin1_pcode="UA99")


def test_an_area_is_read_by_name_code_or_country(places: None) -> None:
    monitor = who("monitor")
    assert area_pcode("", "") == ""
    assert area_pcode("SDN", "") == "SD"
    assert area_pcode("Sudan", "  ") == "SD"
    assert area_pcode("UKR", "kharkivska OBLAST") == "UA-63"  # ISO 3166-2, by name
    assert area_pcode("UKR", "ua4802") == "UA4802"
    assert area_pcode("UKR", "Odeska", monitor) == "UA51"  # named by an incident
    assert area_pcode("UKR", "Hidden-Oblast", monitor) == "UA99"
    with pytest.raises(ValueError, match="Hidden-Oblast"):
        area_pcode("UKR", "Hidden-Oblast", who("monitor2"))
    with pytest.raises(ValueError, match="Atlantis"):
        area_pcode("UKR", "Atlantis", monitor)
    with pytest.raises(ValueError, match="country"):
        area_pcode("", "Odeska", monitor)


def test_an_area_is_named_in_the_readers_language(places: None) -> None:
    with translation.override("ar"):
        assert area_name("SD") == "السّودان"  # pycountry's Arabic name
    assert area_name("UA-63") == "Kharkivska oblast (UA-63)"
    assert area_name("UA51", who("monitor")) == "Odeska (UA51)"
    assert area_name("UA99", who("monitor")) == "Hidden-Oblast (UA99)"
    assert area_name("UA99", who("monitor2")) == "UA99"
    assert area_name("UA51") == "UA51"


def _expires() -> str:
    return (timezone.now() + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M")


def test_the_alert_form_takes_an_area_by_name_and_the_board_names_it(places: None) -> None:
    monitor = signed_in("monitor")
    form = {
        "title": "Shelling near Odesa",
        "threatened": "Clinics",
        "severity": "urgent",
        "domains": ["health_care_attack"],
        "expires_at": _expires(),
        "area_country": "UKR",
    }
    refused = monitor.post("/alerts/new/", {**form, "area": "Atlantis"})
    assert refused.status_code == 200
    assert "“Atlantis” is not an area of Ukraine we know" in refused.content.decode()
    assert 'value="Atlantis"' in refused.content.decode()  # what was typed is kept
    assert not Alert.objects.exists()  # headlines are encrypted: nothing raised at all

    assert monitor.post("/alerts/new/", {**form, "area": "Odeska"}).status_code == 302
    alert = Alert.objects.get()
    assert alert.pcodes == ["UA51"]
    board = monitor.get("/alerts/").content.decode()
    assert "Odeska (UA51)" in board
    assert "Odeska (UA51)" in monitor.get(f"/alerts/{alert.pk}/").content.decode()


def test_a_subscription_covers_a_country_chosen_by_name(demo_orgs: Any) -> None:
    client = signed_in("coordinator2")
    page = client.post(
        "/alerts/subscriptions/",
        {"name": "All of Sudan", "area_country": "SDN", "area": "", "in_app": "on"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert page.status_code == 200
    assert Subscription.objects.get(user__username="coordinator2", name="All of Sudan").pcodes == [
        "SD"
    ]
    assert "Soudan" in page.content.decode()


def test_the_pathway_finds_services_of_an_area_chosen_by_name(demo_orgs: Any) -> None:
    from ulinzi.directory import demo

    demo.load()
    client = signed_in("case_worker")
    by_code = client.get("/directory/", {"need": "safety_shelter", "area": "UA-63"})
    by_name = client.get(
        "/directory/",
        {"need": "safety_shelter", "area_country": "UKR", "area": "Kharkivska oblast"},
    )
    assert by_name.status_code == 200
    assert by_name.context["steps"] and [s.service.pk for s in by_name.context["steps"]] == [
        s.service.pk for s in by_code.context["steps"]
    ]
    assert by_name.context["steps"][0].coverage == "admin1"  # the area itself first
