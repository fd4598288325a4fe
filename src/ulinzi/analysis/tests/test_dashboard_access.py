"""Who sees the dashboard, what it counts (never duplicates, rejected reports or another
organisation's data without an agreement), and how bad filters are answered."""

from __future__ import annotations

from typing import Any

import pytest

from ulinzi.accounts import services as accounts
from ulinzi.accounts.access import actor_for
from ulinzi.accounts.models import Organisation
from ulinzi.analysis import summary
from ulinzi.analysis.params import DashboardParams

pytestmark = pytest.mark.django_db

HCA = {"domain": "health_care_attack", "occurred_on": "2024-03-05", "country": "SDN"}


def totals(username: str, user: Any, **query: str) -> dict[str, Any]:
    data = summary.build(actor_for(user(username)), DashboardParams.from_query(query))
    return {k: v["v"] for k, v in data["totals"].items()}


@pytest.mark.parametrize("username", ["coordinator", "analyst", "coordinator2", "analyst2"])
def test_coordinators_and_analysts_see_the_dashboard(client: Any, user: Any, username: str) -> None:
    client.force_login(user(username))
    page = client.get("/analysis/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="map"' in html and 'id="chart-time"' in html
    assert "Duplicates are not counted" in html
    assert client.get("/").url == "/analysis/"
    assert 'href="/analysis/"' in html  # the menu link


@pytest.mark.parametrize(
    "username", ["admin", "case_worker", "investigator", "monitor", "reporter", "party_focal_point"]
)
def test_other_roles_are_refused(client: Any, user: Any, api: Any, username: str) -> None:
    client.force_login(user(username))
    assert client.get("/analysis/").status_code == 403
    assert client.get("/analysis/areas/").status_code == 403
    assert client.get("/").url != "/analysis/"  # each lands where its own work is
    assert 'href="/analysis/"' not in client.get("/incidents/").content.decode()
    assert api(username).get("/api/v1/analysis/summary").status_code == 403


def test_anonymous_visitors_go_to_sign_in(client: Any, api: Any) -> None:
    assert "/login/" in client.get("/analysis/").url
    assert api(None).get("/api/v1/analysis/summary").status_code == 401


def test_duplicates_and_rejected_reports_are_not_counted(
    make_incident: Any, user: Any, api: Any, client: Any
) -> None:
    kept = make_incident("coordinator", **HCA, killed=2)
    dup = make_incident("coordinator", **HCA, killed=5)
    rejected = make_incident("coordinator", **HCA, killed=7)
    dup.status = "duplicate"
    dup.save()
    rejected.status = "rejected"
    rejected.save()
    assert kept.status == "submitted"
    t = totals("coordinator", user)
    assert (t["incidents"], t["killed"]) == (1, 2)
    body = api("coordinator").get("/api/v1/analysis/summary").json()
    assert {x["status"]: x["incidents"]["v"] for x in body["not_counted"]} == {
        "duplicate": 1,
        "rejected": 1,
    }
    assert body["totals"]["incidents"]["v"] == 1
    assert sum(c["incidents"]["v"] for c in body["countries"]) == 1
    # Asking for them is refused with a reason, not silently counted.
    refused = api("coordinator").get("/api/v1/analysis/summary?status=duplicate")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "status"
    # The list behind the number shows exactly the counted incident.
    client.force_login(user("coordinator"))
    listed = client.get(body["totals"]["incidents"]["href"])
    assert listed.context["page"].paginator.count == 1


def test_an_organisation_without_agreement_sees_nothing_of_it(
    demo_orgs: dict[str, Organisation], make_incident: Any, user: Any
) -> None:
    outsider = accounts.ensure_organisation(code="outsider", name="Outsider", kind="nngo")
    accounts.ensure_user(
        username="outsider-monitor", password="x" * 12, organisation=outsider, roles=["monitor"]
    )
    accounts.ensure_user(
        username="outsider-analyst", password="x" * 12, organisation=outsider, roles=["analyst"]
    )
    for n in range(3):
        make_incident(
            "outsider-monitor", **HCA, killed=n, admin1_name="Khartoum", lat=15.5, lon=32.5
        )
    assert totals("outsider-analyst", user)["incidents"] == 3
    for username in ("coordinator", "analyst", "coordinator2", "analyst2"):
        t = totals(username, user)
        # Nothing seen, so nothing recorded: "not recorded", not 0.
        assert t["incidents"] == 0 and t["killed"] is None, username
        assert totals(username, user, organisation="outsider")["incidents"] == 0
        data = summary.build(actor_for(user(username)), DashboardParams())
        assert data["areas"] == [] and data["points"] == [] and data["countries"] == []
    # Once it shares attacks on health care with the cluster, the cluster sees them.
    accounts.ensure_agreement(
        provider=outsider,
        recipient=demo_orgs["cluster"],
        domains=["health_care_attack"],
        valid_from=__import__("datetime").date(2020, 1, 1),
    )
    assert totals("analyst", user)["incidents"] == 3
    assert totals("analyst2", user)["incidents"] == 0


def test_a_domain_not_shared_stays_hidden(make_incident: Any, user: Any) -> None:
    make_incident("monitor2", domain="gbv", occurred_on="2024-01-02", country="COD")
    make_incident("monitor2", domain="protection", occurred_on="2024-01-02", country="COD")
    assert totals("coordinator2", user)["incidents"] == 2
    # amani shares grave violations, protection and attacks on health care, not GBV.
    assert totals("coordinator", user)["incidents"] == 1
    assert totals("coordinator", user, domain="gbv")["incidents"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("date_from=yesterday", "date_from"),
        ("date_from=2024-05-01&date_to=2024-01-01", "date_to"),
        ("interval=day", "interval"),
        ("stack=colour", "stack"),
        ("domain=weather", "domain"),
        ("certainty=sure", "certainty"),
        ("cause=bad", "cause"),
        ("perpetrator=aliens", "perpetrator"),
        ("resource=x", "resource"),
        ("type=nope", "type"),
        ("domain=gbv&type=heavy_weapons", "type"),
        ("country=Sudan", "country"),
        ("status=rejected", "status"),
    ],
)
def test_bad_filters_name_the_field(
    api: Any, client: Any, user: Any, query: str, field: str
) -> None:
    response = api("analyst").get(f"/api/v1/analysis/summary?{query}")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert field in [e["field"] for e in response.json()["errors"]]
    client.force_login(user("analyst"))
    page = client.get(f"/analysis/?{query}")
    assert page.status_code == 200
    assert field in page.content.decode()


def test_filters_live_in_the_url(make_incident: Any, client: Any, user: Any) -> None:
    make_incident("coordinator", **HCA, types=["heavy_weapons"], certainty="confirmed")
    make_incident("coordinator", **{**HCA, "country": "UKR"}, types=["heavy_weapons"])
    client.force_login(user("coordinator"))
    page = client.get("/analysis/?country=sdn&interval=week&stack=type&certainty=confirmed")
    assert page.status_code == 200
    data = page.context["data"]
    assert data["totals"]["incidents"]["v"] == 1
    assert data["filters"] == {
        "country": "SDN",
        "certainty": "confirmed",
        "interval": "week",
        "stack": "type",
    }
    assert [s["key"] for s in data["over_time"]["series"]] == ["heavy_weapons"]
    html = page.content.decode()
    assert '<option value="SDN" selected>' in html
    assert "/api/v1/analysis/summary?country=SDN" in html
