"""Each incident counted once after linkage, and "not recorded" kept apart from 0, in
the situation report (numbers and page), the MRM table and the partner GeoJSON export;
the monthly chart over the whole period, its labels whole, the map's labels apart."""

from __future__ import annotations

import io
import itertools
import json
import re
from datetime import date
from typing import Any

import pytest
from django.test import Client

from ulinzi.accounts.access import actor_for
from ulinzi.accounts.models import Organisation
from ulinzi.analysis.linkage.models import ClusterMember
from ulinzi.analysis.linkage.services import apply_clusters
from ulinzi.incidents.models import Incident
from ulinzi.incidents.selectors import IncidentFilters
from ulinzi.reports import charts, situation
from ulinzi.reports.tests.factories import incident

pytestmark = pytest.mark.django_db

SUDAN = IncidentFilters(country="SDN", date_from=date(2023, 1, 1), date_to=date(2023, 12, 31))


def _org(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


@pytest.fixture
def linked(demo_orgs: Any) -> dict[str, Incident]:
    """One attack reported by WHO SSA and by Insecurity Insight, linked by linkage; one
    more attack that only SSA reports. No source records children."""
    same = {"country": "SDN", "occurred_on": date(2023, 4, 15), "killed": 3, "injured": 2}
    ssa = incident(_org("who-ssa"), **same)
    ii = incident(_org("insecurity-insight"), **same)
    other = incident(_org("who-ssa"), country="SDN", occurred_on=date(2023, 9, 2), killed=1)
    apply_clusters(None, [str(ssa.pk), str(ii.pk), str(other.pk)], [[str(ssa.pk), str(ii.pk)]])
    return {"ssa": ssa, "ii": ii, "other": other}


def test_two_linked_reports_of_one_incident_count_once(linked: Any, user: Any) -> None:
    data = situation.situation(actor_for(user("analyst")), SUDAN)
    assert data["headline"]["incidents"] == 2  # three reports, two incidents
    assert data["headline"]["killed"] == 3 + 1  # the linked attack's 3 once, not 6
    assert data["headline"]["injured"] == 2
    assert data["limits"]["duplicates"] == 1
    canonical = ClusterMember.objects.get(incident=linked["ii"]).canonical_id
    assert ClusterMember.objects.get(incident=linked["ssa"]).canonical_id == canonical
    ssa_canonical = canonical == linked["ssa"].pk
    rows = {r["organisation__code"]: r for r in data["sources"]}
    assert (rows["who-ssa"]["reports"], rows["who-ssa"]["linked_reports"]) == (2, 1)
    assert rows["who-ssa"]["incidents"] == (2 if ssa_canonical else 1)
    assert (
        rows["insecurity-insight"]["reports"],
        rows["insecurity-insight"]["linked_reports"],
    ) == (
        1,
        1,
    )
    assert rows["insecurity-insight"]["incidents"] == (0 if ssa_canonical else 1)
    assert (rows[""]["reports"], rows[""]["linked_reports"], rows[""]["incidents"]) == (3, 2, 2)


def test_the_page_lists_the_sources_and_says_not_recorded(linked: Any, user: Any) -> None:
    client = Client()
    client.force_login(user("analyst"))
    page = client.get(
        "/reports/situation/",
        {"country": "SDN", "date_from": "2023-01-01", "date_to": "2023-12-31"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "WHO Surveillance System for Attacks on Health Care" in html
    assert "Insecurity Insight / SHCC" in html
    headline = re.search(r'<section class="headline".*?</section>', html, re.S)
    assert headline is not None
    figures = dict(
        (label.strip(), value)
        for value, label in re.findall(r"<strong>(.*?)</strong>\s*([^<]+)</div>", headline[0])
    )
    assert figures["incidents"] == "2"
    assert figures["children killed or injured"] == "not recorded"  # never "0"
    assert figures["health workers killed"] == "not recorded"
    assert figures["killed"] == "4"


def test_zero_recorded_is_zero_and_mixed_records_sum(demo_orgs: Any, user: Any) -> None:
    ssa = _org("who-ssa")
    incident(ssa, country="SDN", occurred_on=date(2023, 2, 1), killed_children=0)
    incident(ssa, country="SDN", occurred_on=date(2023, 3, 1))  # children not recorded
    data = situation.situation(actor_for(user("analyst")), SUDAN)
    assert data["headline"]["children_killed_or_injured"] == 0
    assert data["headline"]["killed"] is None  # neither records deaths
    incident(ssa, country="SDN", occurred_on=date(2023, 3, 2), injured_children=2)
    data = situation.situation(actor_for(user("analyst")), SUDAN)
    assert data["headline"]["children_killed_or_injured"] == 2


def test_mrm_children_not_recorded_is_not_zero(demo_orgs: Any, user: Any) -> None:
    cluster = _org("cluster")
    incident(cluster, domain="grave_violation", types=["abduction"], perpetrator="police")
    qs = situation.counted(
        actor_for(user("coordinator")), IncidentFilters(date_from=date(2024, 1, 1))
    )
    incidents, children = situation.mrm_table(qs, verified_only=False)
    assert incidents.cells[("abduction", "police")] == 1
    assert children.cells[("abduction", "police")] is None
    at = [code for code, _label in children.rows].index("abduction")
    assert children.matrix()[at][2] is None  # its total: not recorded, not 0
    assert incidents.matrix()[at][2] == 1


def test_partner_geojson_keeps_not_recorded_as_null(demo_orgs: Any) -> None:
    from ulinzi.reports import writers
    from ulinzi.reports.release import build

    cluster = _org("cluster")
    incident(cluster, killed=2)
    incident(cluster, admin1_pcode="UA51", admin1_name="Odeska")  # killed not recorded
    release = build(Incident.objects.filter(organisation=cluster), level="partners")
    out = io.BytesIO()
    writers.write("geojson", release, out)
    features = json.loads(out.getvalue())["features"]
    killed = {f["properties"]["admin1_name"]: f["properties"]["killed"] for f in features}
    assert killed == {"Mykolaivska": 2, "Odeska": None}


def test_monthly_chart_starts_at_the_period_start(linked: Any, user: Any) -> None:
    data = situation.situation(actor_for(user("analyst")), SUDAN)
    months = [m for m, _n in data["by_month"]]
    assert months[0] == "2023-01" and months[-1] == "2023-12" and len(months) == 12
    assert dict(data["by_month"])["2023-04"] == 1 and dict(data["by_month"])["2023-01"] == 0


def _texts(svg: str) -> list[tuple[float, float, str, str]]:
    return [
        (float(x), float(y), anchor, text)
        for x, y, anchor, text in re.findall(
            r'<text x="([\d.]+)" y="([\d.]+)"[^>]*?(?:text-anchor="(\w+)")?[^>]*>([^<]*)</text>',
            svg,
        )
    ]


def test_month_labels_are_whole_and_apart() -> None:
    series = [(f"{2016 + i // 12}-{i % 12 + 1:02d}", i % 5) for i in range(96)]
    svg = str(charts.bar_chart(series, title="t", width=640))
    labels = [t for t in _texts(svg) if re.fullmatch(r"\d{4}-\d{2}", t[3])]
    assert labels[0][3] == "2016-01"
    # 9-px digits are at least 4.5 px wide: each label centred, inside 0..640, apart
    for x, _y, _a, text in labels:
        half = len(text) * 4.5 / 2
        assert x - half >= 0 and x + half <= 640, text
    xs = [x for x, *_ in labels]
    assert all(b - a >= len("2016-01") * 4.5 for a, b in itertools.pairwise(xs))


def test_map_labels_do_not_overlap_and_the_countries_are_drawn() -> None:
    points = [(32.5 + 0.05 * i, 15.5 + 0.03 * i, 10 - i, f"Area number {i}") for i in range(8)]
    svg = str(charts.bubble_map(points, title="t"))
    assert "<path" in svg  # country outlines from the offline atlas
    boxes = []
    for x, y, _a, text in _texts(svg):
        boxes.append((x, y - 9, x + len(text) * 4.5, y + 2))
    assert boxes, "at least the largest area is labelled"
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
    assert svg.count("<circle") == 8  # every area drawn, labelled or not
