"""The incident list through Django's test client: its filters, kept in the URL and
across pages, bad filters, the type menu, and links from the dashboard."""

from __future__ import annotations

from typing import Any

import pytest

from ulinzi.incidents import views
from ulinzi.incidents.tests.pages import rows, signed_in


def test_the_list_filters_and_keeps_the_filters_in_the_url(make_incident: Any) -> None:
    make_incident(
        domain="protection", country="UKR", admin1_name="Kharkiv", occurred_on="2025-01-10"
    )
    make_incident(domain="protection", country="UKR", admin1_name="Odesa", occurred_on="2024-06-01")
    make_incident(
        domain="health_care_attack",
        types=["individual_weapons"],
        country="SDN",
        admin1_name="Khartoum",
        occurred_on="2025-03-01",
    )
    client = signed_in("monitor")

    assert len(rows(client.get("/incidents/").content.decode())) == 3

    html = client.get("/incidents/?domain=protection&date_from=2025-01-01").content.decode()
    found = rows(html)
    assert len(found) == 1 and "Kharkiv" in found[0]
    # The filters show what was asked, so the next submission keeps them.
    assert '<option value="protection" selected>' in html
    assert 'name="date_from" id="f-from" value="2025-01-01"' in html
    assert "Clear filters" in html

    html = client.get("/incidents/?country=SDN").content.decode()
    assert len(rows(html)) == 1 and "Khartoum" in html
    assert '<option value="SDN" selected>' in html

    html = client.get("/incidents/?type=individual_weapons").content.decode()
    assert len(rows(html)) == 1
    html = client.get("/incidents/?type=none&perpetrator=none").content.decode()
    assert len(rows(html)) == 2 and not any("Khartoum" in row for row in rows(html))
    assert '<option value="none" selected>Not recorded</option>' in html
    html = client.get("/incidents/?admin1=odesa").content.decode()
    assert len(rows(html)) == 1 and "Odesa" in html
    html = client.get("/incidents/?status=verified").content.decode()
    assert rows(html) == ['<td colspan="9">No incident matches these filters.</td>']


def test_pages_of_the_list_keep_the_filters(
    make_incident: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for day in range(1, 6):
        make_incident(domain="protection", occurred_on=f"2025-01-0{day}")
    make_incident(domain="gbv", occurred_on="2025-01-09")
    html = signed_in("monitor").get("/incidents/?domain=protection").content.decode()
    assert "5 incidents" in html
    assert 'href="?domain=protection&amp;page=2"' in html
    page2 = signed_in("monitor").get("/incidents/?domain=protection&page=3").content.decode()
    assert len(rows(page2)) == 1
    assert 'href="?domain=protection&amp;page=2"' in page2


def test_a_bad_filter_is_reported_and_left_out(make_incident: Any) -> None:
    make_incident()
    html = signed_in("monitor").get("/incidents/?date_from=yesterday").content.decode()
    assert "were not understood" in html and "date_from" in html
    assert len(rows(html)) == 1


def test_the_type_menu_of_the_filters_is_grouped_by_domain(demo_orgs: Any) -> None:
    html = signed_in("monitor").get("/incidents/").content.decode()
    for domain in ("health_care_attack", "grave_violation", "gbv", "seah", "protection"):
        assert f'data-domain="{domain}"' in html
    assert 'data-domain-select="type"' in html


def test_a_dashboard_link_with_several_statuses_keeps_them(make_incident: Any) -> None:
    make_incident(admin1_name="Counted")
    rejected = make_incident(admin1_name="Rejected one")
    rejected.status = "rejected"
    rejected.save()
    html = signed_in("monitor").get("/incidents/?status=draft,submitted,verified").content.decode()
    assert len(rows(html)) == 1 and "Counted" in html
    # The menu keeps the combined value, so filtering again does not drop it.
    assert (
        '<option value="draft,submitted,verified" selected>Draft, Submitted, Verified</option>'
        in html
    )
