"""Situation report, MRM annual table and SSA summary: numbers, access, PDF."""

from __future__ import annotations

import os
import re
from datetime import date
from typing import Any

import pytest
from django.test import Client

from ulinzi.accounts.access import actor_for
from ulinzi.accounts.models import Organisation
from ulinzi.incidents.models import Incident
from ulinzi.incidents.selectors import IncidentFilters
from ulinzi.reports import pdf, situation
from ulinzi.reports.tests.factories import incident


@pytest.fixture
def cluster(demo_orgs: Any) -> Organisation:
    return Organisation.objects.get(code="cluster")


@pytest.fixture
def coordinator(user: Any) -> Client:
    client = Client()
    client.force_login(user("coordinator"))
    return client


def needs_pdf() -> None:
    reason = pdf.unavailable_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PDF rendering must work in CI: {reason}")
        pytest.skip(f"PDF rendering unavailable here: {reason}")


def _seed(cluster: Organisation) -> None:
    incident(cluster, killed=3, injured=1, resources=["facility"], perpetrator="state_armed_forces")
    incident(cluster, killed=1, status="submitted", admin1_name="Odeska", admin1_pcode="UA51")
    incident(cluster, killed=2, status="draft")
    incident(cluster, killed=50, status="duplicate")
    incident(cluster, killed=70, status="rejected")
    incident(cluster, killed=9, country="SDN", occurred_on=date(2023, 6, 1))


def test_headline_figures_equal_direct_counts(cluster: Organisation, user: Any) -> None:
    _seed(cluster)
    who = actor_for(user("analyst"))
    data = situation.situation(who, IncidentFilters(country="UKR"))
    direct = Incident.objects.filter(country="UKR", status__in=("draft", "submitted", "verified"))
    assert data["headline"]["incidents"] == direct.count() == 3
    assert data["headline"]["killed"] == sum(i.killed or 0 for i in direct) == 6
    assert data["headline"]["facilities_hit"] == 1
    assert data["limits"]["duplicates"] == 1 and data["limits"]["rejected"] == 1
    assert data["by_month"] == [("2024-03", 3)]
    assert [a["n"] for a in data["top_areas"]] == [2, 1]
    harm = dict((label, total) for label, _v, total in data["harm"].matrix())
    assert sum(harm.values()) == 3


def test_situation_page_and_its_filters(cluster: Organisation, coordinator: Client) -> None:
    _seed(cluster)
    page = coordinator.get("/reports/situation/?country=UKR&date_from=2024-01-01")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "Mykolaivska" in html and "Limits of these data" in html
    assert re.search(r"<strong>6</strong>\s*killed", html)
    bad = coordinator.get("/reports/situation/?date_from=someday")
    assert bad.status_code == 200  # the bad date is reported, the page still renders


def test_situation_report_in_the_users_language(cluster: Organisation, coordinator: Client) -> None:
    _seed(cluster)
    page = coordinator.get("/reports/situation/", HTTP_ACCEPT_LANGUAGE="fr")
    assert 'lang="fr"' in page.content.decode()
    assert "Attaque contre les soins de santé" in page.content.decode()  # domain label


def test_situation_pdf(cluster: Organisation, coordinator: Client) -> None:
    needs_pdf()
    _seed(cluster)
    response = coordinator.get("/reports/situation/?country=UKR&format=pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content[:5] == b"%PDF-"
    _data, pages = pdf.render("<h1>Ulinzi</h1>")
    assert pages >= 1


def test_mrm_and_ssa_pdfs(cluster: Organisation, coordinator: Client) -> None:
    needs_pdf()
    _seed(cluster)
    for path in ("/reports/mrm/?year=2024&format=pdf", "/reports/ssa/?format=pdf"):
        response = coordinator.get(path)
        assert response.content[:5] == b"%PDF-", path


def test_without_weasyprint_the_pdf_link_says_why(
    cluster: Organisation, coordinator: Client, monkeypatch: Any
) -> None:
    monkeypatch.setattr(pdf, "unavailable_reason", lambda: "no Pango here")
    page = coordinator.get("/reports/situation/")
    assert "PDF rendering is unavailable on this server: no Pango here" in page.content.decode()
    response = coordinator.get("/reports/situation/?format=pdf")
    assert response.status_code == 503
    assert "no Pango here" in response.content.decode()


def test_mrm_table_by_violation_and_perpetrator(cluster: Organisation, user: Any) -> None:
    common = {"domain": "grave_violation", "occurred_on": date(2024, 4, 2)}
    incident(cluster, types=["killing_maiming", "abduction"], perpetrator="non_state_armed_group",
             killed_children=2, killed=2, **common)  # fmt: skip
    incident(cluster, types=["killing_maiming"], perpetrator="state_armed_forces", **common)
    incident(cluster, types=["abduction"], perpetrator="", status="submitted", **common)
    incident(cluster, types=["abduction"], status="duplicate", **common)
    incident(cluster, types=["abduction"], occurred_on=date(2023, 1, 1), domain="grave_violation")
    qs = situation.counted(
        actor_for(user("coordinator")),
        IncidentFilters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)),
    )
    verified, children = situation.mrm_table(qs, verified_only=True)
    assert verified.cells == {
        ("killing_maiming", "non_state_armed_group"): 1,
        ("abduction", "non_state_armed_group"): 1,
        ("killing_maiming", "state_armed_forces"): 1,
    }
    assert children.cells[("killing_maiming", "non_state_armed_group")] == 2
    everything, _ = situation.mrm_table(qs, verified_only=False)
    assert everything.cells[("abduction", "unknown")] == 1
    assert sum(v or 0 for v in everything.col_totals()) == 4


def test_mrm_page(cluster: Organisation, coordinator: Client) -> None:
    incident(cluster, domain="grave_violation", types=["abduction"], perpetrator="police")
    page = coordinator.get("/reports/mrm/?year=2024&verification=all")
    assert page.status_code == 200
    assert "Abduction" in page.content.decode()
    bad = coordinator.get("/reports/mrm/?year=soon")
    assert bad.status_code == 200 and "must be a year" in bad.content.decode()


def test_ssa_summary_by_type_and_resource(cluster: Organisation, coordinator: Client) -> None:
    incident(cluster, types=["heavy_weapons", "setting_fire"], resources=["facility", "personnel"],
             killed=4, injured=2)  # fmt: skip
    incident(cluster, types=["heavy_weapons"], resources=["transport"], killed=1)
    incident(cluster, domain="protection", types=["killing"], killed=10)
    page = coordinator.get("/reports/ssa/")
    assert page.status_code == 200
    data = page.context["data"]
    by_type = {r["code"]: (r["n"], r["killed"]) for r in data["by_type"]}
    assert by_type == {"heavy_weapons": (2, 5), "setting_fire": (1, 4)}
    by_resource = {r["code"]: r["n"] for r in data["by_resource"]}
    assert by_resource == {"facility": 1, "personnel": 1, "transport": 1}
    assert data["headline"]["killed"] == 5
