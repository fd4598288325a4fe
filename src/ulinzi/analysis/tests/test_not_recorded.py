"""A count no source records is "not recorded", never 0: in the counting copy, on the
dashboard (document, page and API) and in the vulnerable areas (page and API)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps

from ulinzi.accounts.access import actor_for
from ulinzi.analysis import ranking, summary
from ulinzi.analysis.params import DashboardParams
from ulinzi.incidents.models import IncidentFact

pytestmark = pytest.mark.django_db
PERIOD = {"date_from": "2024-01-01", "date_to": "2024-12-31"}
QUERY = "?date_from=2024-01-01&date_to=2024-12-31"


@pytest.fixture
def three_areas(make_incident: Any) -> dict[str, Any]:
    """Kharkiv: nobody records killed or injured. Odesa: 0 killed recorded, injured not.
    Lviv: one report records 2 killed, the other records nothing."""

    def rec(area: str, country: str = "UKR", **counts: Any) -> Any:
        return make_incident(
            "coordinator",
            domain="health_care_attack",
            occurred_on="2024-05-10",
            country=country,
            admin1_name=area,
            **counts,
        )

    return {
        "kharkiv": rec("Kharkiv", country="MDA"),
        "odesa": rec("Odesa", killed=0),
        "lviv": rec("Lviv", killed=2),
        "lviv2": rec("Lviv", killed_children=None),
    }


def test_the_counting_copy_keeps_not_recorded_apart_from_zero(make_incident: Any) -> None:
    none = make_incident(domain="grave_violation")
    zero = make_incident(domain="grave_violation", killed=0, injured_children=0)
    some = make_incident(domain="grave_violation", injured=3, killed_children=1)
    facts = IncidentFact.objects.in_bulk([none.pk, zero.pk, some.pk])
    assert (facts[none.pk].killed, facts[none.pk].injured) == (None, None)
    assert facts[none.pk].people_children is None
    assert (facts[zero.pk].killed, facts[zero.pk].injured) == (0, None)
    assert facts[zero.pk].people_children == 0
    assert (facts[some.pk].killed, facts[some.pk].injured) == (None, 3)
    assert facts[some.pk].people_children == 1
    assert facts[some.pk].people_health_workers is None


def test_facts_written_with_zero_for_not_recorded_are_set_to_null(make_incident: Any) -> None:
    incident = make_incident(domain="grave_violation", injured=0, killed_children=2)
    # As the copy was written before: 0 for every count the incident does not record.
    IncidentFact.objects.filter(pk=incident.pk).update(
        killed=0, abducted=0, people_health_workers=0, people_patients=0
    )
    migration = importlib.import_module("ulinzi.incidents.migrations.0008_fact_counts_not_recorded")
    migration.null_not_recorded(apps, None)
    fact = IncidentFact.objects.get(pk=incident.pk)
    assert (fact.killed, fact.injured, fact.abducted) == (None, 0, None)
    assert (fact.people_children, fact.people_health_workers, fact.people_patients) == (
        2,
        None,
        None,
    )


def test_dashboard_says_not_recorded_where_no_report_records_a_count(
    three_areas: Any, user: Any, client: Any, api: Any
) -> None:
    data = summary.build(actor_for(user("coordinator")), DashboardParams.from_query(PERIOD))
    totals = data["totals"]
    assert (totals["killed"]["v"], totals["injured"]["v"]) == (2, None)
    assert totals["abducted"]["v"] is None
    areas = {a["name"]: a for a in data["areas"]}
    assert (areas["Kharkiv"]["killed"]["v"], areas["Kharkiv"]["injured"]["v"]) == (None, None)
    assert (areas["Odesa"]["killed"]["v"], areas["Odesa"]["injured"]["v"]) == (0, None)
    assert areas["Lviv"]["killed"]["v"] == 2
    countries = {c["iso3"]: c for c in data["countries"]}
    assert countries["MDA"]["killed"]["v"] is None
    assert countries["UKR"]["killed"]["v"] == 2
    casualties = {s["key"]: s for s in data["casualties"]["series"]}
    assert casualties["killed"]["total"] == 2
    assert casualties["injured"]["total"] is None
    assert set(casualties["injured"]["values"]) == {None}

    body = api("coordinator").get("/api/v1/analysis/summary" + QUERY).json()
    assert body["totals"]["injured"]["v"] is None
    assert body["totals"]["killed"]["v"] == 2
    client.force_login(user("coordinator"))
    page = client.get("/analysis/", PERIOD).content.decode()
    row = page[page.index("Kharkiv") :]
    row = row[: row.index("</tr>")]
    assert row.count("not recorded") == 2, row


def test_vulnerable_areas_say_not_recorded(
    three_areas: Any, user: Any, client: Any, api: Any
) -> None:
    result = ranking.build(actor_for(user("coordinator")), DashboardParams.from_query(PERIOD))
    stats = {r["ranked"].stats.label: r["ranked"].stats for r in result["areas"]}
    assert (stats["Kharkiv (MDA)"].killed, stats["Kharkiv (MDA)"].injured) == (None, None)
    assert (stats["Odesa (UKR)"].killed, stats["Odesa (UKR)"].injured) == (0, None)
    assert stats["Lviv (UKR)"].killed == 2
    # The score counts what is recorded: an area with nothing recorded has no severity.
    assert stats["Kharkiv (MDA)"].severity == 0

    body = api("coordinator").get("/api/v1/analysis/areas" + QUERY).json()
    rows = {a["label"]: a for a in body["areas"]}
    assert (rows["Kharkiv (MDA)"]["killed"], rows["Odesa (UKR)"]["killed"]) == (None, 0)
    client.force_login(user("analyst"))
    page = client.get("/analysis/areas/", PERIOD).content.decode()
    row = page[page.index("Kharkiv (MDA)") :]
    row = row[: row.index("</tr>")]
    assert row.count("not recorded") == 2, row
