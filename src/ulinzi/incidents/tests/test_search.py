"""Text search and sorting of the incident list: what each reader can find, and by what;
narratives only for those who may read them; the orders; bad input."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from ulinzi.accounts.access import actor_for
from ulinzi.accounts.models import User
from ulinzi.audit.models import AuditEvent
from ulinzi.incidents import policies, search
from ulinzi.incidents.models import Incident

PASSWORD = "ulinzi-demo"


def signed_in(username: str, language: str | None = None) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    if language:
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client


def listed(client: Client, **params: str) -> list[str]:
    """The incident ids the list shows, in order."""
    response = client.get("/incidents/", params)
    assert response.status_code == 200
    body = response.content.decode().split('<table class="incidents">', 1)[1]
    return re.findall(r'href="/incidents/([0-9a-f-]{36})/"', body.split("</table>", 1)[0])


@pytest.fixture
def three(make_incident: Any) -> dict[str, Incident]:
    """Three cluster incidents that differ in place, type, country and narrative."""
    return {
        "kharkiv": make_incident(
            domain="protection",
            types=["forced_displacement"],
            country="UKR",
            admin1_name="Kharkiv",
            occurred_on="2025-01-10",
            killed=2,
            narrative="Families left the village at night after threats.",
        ),
        "odesa": make_incident(
            domain="protection",
            country="UKR",
            admin1_name="Odesa",
            admin1_pcode="UA51",
            occurred_on="2024-06-01",
            injured=7,
            narrative="A convoy of water trucks was stopped at the bridge.",
        ),
        "khartoum": make_incident(
            domain="health_care_attack",
            types=["individual_weapons"],
            country="SDN",
            admin1_name="Khartoum",
            occurred_on="2025-03-01",
            killed=5,
        ),
    }


def test_the_search_box_finds_by_place_pcode_country_and_type(three: Any) -> None:
    client = signed_in("analyst")
    ids = {k: str(v.id) for k, v in three.items()}
    assert listed(client, q="kharkiv") == [ids["kharkiv"]]
    assert listed(client, q="ua51") == [ids["odesa"]]
    assert set(listed(client, q="Ukraine")) == {ids["kharkiv"], ids["odesa"]}
    assert listed(client, q="sudan") == [ids["khartoum"]]
    assert listed(client, q="displacement") == [ids["kharkiv"]]
    # Every word must be found: place and country together.
    assert listed(client, q="odesa ukraine") == [ids["odesa"]]
    assert listed(client, q="odesa sudan") == []


def test_labels_are_searched_in_the_readers_language(three: Any) -> None:
    from ulinzi.web.i18n import country_name

    french = country_name("SDN", "fr")
    assert french == "Soudan"
    assert listed(signed_in("analyst", "fr"), q="soudan") == [str(three["khartoum"].id)]
    # English words still find it for a French reader.
    assert listed(signed_in("analyst", "fr"), q="sudan") == [str(three["khartoum"].id)]


def test_narratives_are_searched_only_for_readers_who_may_read_them(three: Any) -> None:
    kharkiv = str(three["kharkiv"].id)
    # The monitor of the reporting organisation reads narratives: found.
    assert listed(signed_in("monitor"), q="village") == [kharkiv]
    assert listed(signed_in("coordinator"), q="threats") == [kharkiv]
    # The analyst and the admin see the incident, never its narrative: not found by it.
    for username in ("analyst", "admin"):
        client = signed_in(username)
        assert kharkiv in listed(client)
        assert listed(client, q="village") == [], username
    # Amani's monitor reads narratives, but of Amani only; cluster shares protection
    # incidents with Amani without their narratives.
    client = signed_in("monitor2")
    assert kharkiv in listed(client)
    assert listed(client, q="village") == []
    assert listed(client, q="kharkiv") == [kharkiv]


def test_a_word_in_the_narrative_and_one_elsewhere_match_together(three: Any) -> None:
    kharkiv = str(three["kharkiv"].id)
    monitor = signed_in("monitor")
    assert listed(monitor, q="village kharkiv") == [kharkiv]
    assert listed(monitor, q="village odesa") == []
    # The analyst has only the place to go on, so both words cannot be found.
    assert listed(signed_in("analyst"), q="village kharkiv") == []


def test_the_search_stays_within_the_filters(three: Any) -> None:
    monitor = signed_in("monitor")
    assert listed(monitor, q="ukraine", date_from="2025-01-01") == [str(three["kharkiv"].id)]
    assert listed(monitor, q="bridge", domain="health_care_attack") == []


def test_a_search_of_narratives_is_audited_without_the_words(three: Any) -> None:
    signed_in("analyst").get("/incidents/", {"q": "village"})
    assert not AuditEvent.objects.filter(action="search").exists()
    signed_in("monitor").get("/incidents/", {"q": "village"})
    event = AuditEvent.objects.get(action="search")
    assert event.username == "monitor"
    assert event.fields == ["narrative"]
    # Kharkiv and Odesa have a narrative the monitor may read; Kharkiv's holds the word.
    assert event.detail == {"narratives_searched": 2, "narratives_matched": 1}
    assert "village" not in str(event.detail) + event.object_id


def test_narratives_beyond_the_scan_limit_are_left_out_and_the_page_says_so(
    three: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "NARRATIVE_SCAN_LIMIT", 1)
    monitor = signed_in("monitor")
    # Newest first: Kharkiv (2025-01-10) is scanned, Odesa (2024-06-01) is not.
    assert listed(monitor, q="village") == [str(three["kharkiv"].id)]
    html = monitor.get("/incidents/", {"q": "bridge"}).content.decode()
    assert "Narratives were searched in the newest 1 incident only" in html
    assert listed(monitor, q="bridge") == []
    assert listed(monitor, q="bridge", date_to="2024-12-31") == [str(three["odesa"].id)]


def test_narrative_readable_is_the_rule_of_the_detail_page(three: Any, make_incident: Any) -> None:
    make_incident("monitor2", domain="protection", narrative="Amani's own story.")
    make_incident("reporter", domain="protection", narrative="A nurse's own story.")
    for user in User.objects.all():
        who = actor_for(user)
        rule = set(Incident.objects.filter(policies.narrative_readable(who)))
        expected = {i for i in Incident.objects.all() if policies.can_read_narrative(who, i)}
        assert rule == expected, user.username


def test_the_list_sorts_by_date_and_by_people_harmed(three: Any) -> None:
    client = signed_in("analyst")
    ids = {k: str(v.id) for k, v in three.items()}
    assert listed(client) == [ids["khartoum"], ids["kharkiv"], ids["odesa"]]
    assert listed(client, sort="occurred_on") == [ids["odesa"], ids["kharkiv"], ids["khartoum"]]
    assert listed(client, sort="-killed") == [ids["khartoum"], ids["kharkiv"], ids["odesa"]]
    # Odesa has injured recorded; the others none, newest of them first.
    assert listed(client, sort="-injured") == [ids["odesa"], ids["khartoum"], ids["kharkiv"]]
    assert listed(client, sort="-created_at") == [ids["khartoum"], ids["odesa"], ids["kharkiv"]]


def test_the_search_and_order_are_kept_in_the_links(three: Any, make_incident: Any) -> None:
    for day in range(1, 52):
        make_incident(
            domain="protection", admin1_name="Lviv", occurred_on=f"2023-01-{day % 28 + 1:02d}"
        )
    html = (
        signed_in("analyst").get("/incidents/", {"q": "lviv", "sort": "-killed"}).content.decode()
    )
    assert "51 incidents" in html
    assert 'href="?q=lviv&amp;sort=-killed&amp;page=2"' in html
    assert 'name="q" id="f-q" value="lviv"' in html
    assert '<option value="-killed" selected>' in html


def test_bad_search_or_order_is_named_not_a_server_error(three: Any) -> None:
    client = signed_in("analyst")
    response = client.get("/incidents/", {"q": "x" * 201, "sort": "-secret"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Search for at most 8 words and 200 characters." in html
    assert "That order is not one of the list; newest first is used." in html
    assert len(listed(client, q="a b c d e f g h i")) == 3  # too many words: not searched


def test_who_may_not_list_incidents_cannot_search_them(three: Any) -> None:
    response = signed_in("party_focal_point").get("/incidents/", {"q": "kharkiv"})
    assert response.status_code == 403
    assert "Kharkiv" not in response.content.decode()
    anonymous = Client().get("/incidents/", {"q": "kharkiv"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
