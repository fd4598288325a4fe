"""The area pickers in a real browser (headless Chromium): on the subscription form and
the referral pathway a person chooses the country from a list and the area by name from
the suggestions, and what is saved or found is the area's P-code.

Skipped when /usr/bin/chromium is missing, unless CI=true (then it fails).
"""

from __future__ import annotations

from typing import Any

import pytest

from ulinzi.accounts.models import Organisation
from ulinzi.alerts.models import Subscription
from ulinzi.web.tests.browsing import signed_in

pytestmark = pytest.mark.e2e


def _pick_area(page: Any, typed: str, suggested: str, chosen: str) -> None:
    """Ukraine from the country list; ``typed`` into the area box until a suggestion
    meets the JavaScript test ``suggested`` (on ``o``); then the area ``chosen``."""
    page.select_option("#area_country", label="Ukraine")
    page.locator("#area").press_sequentially(typed)
    page.wait_for_function(
        f"() => [...document.querySelectorAll('#area-areas option')].some(o => {suggested})"
    )
    page.fill("#area", chosen)


def test_areas_are_chosen_by_name_on_subscriptions_and_the_pathway(
    live_server: Any, demo_orgs: dict[str, Organisation], browser: Any, make_incident: Any
) -> None:
    from ulinzi.directory import demo

    demo.load()
    make_incident(country="UKR", admin1_name="Odeska", admin1_pcode="UA51")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page, errors = signed_in(context, live_server.url, "coordinator")

    page.goto(f"{live_server.url}/alerts/subscriptions/")
    page.fill("#name", "Odesa field office")
    _pick_area(page, "ode", "o.label === 'Odeska · UA51 · UKR'", "Odeska")
    with page.expect_navigation():
        page.click("form.incident-form button[type=submit]")
    row = page.locator("table tbody tr", has_text="Odesa field office")
    assert "Odeska (UA51)" in row.inner_text()
    assert Subscription.objects.get(name="Odesa field office").pcodes == ["UA51"]

    page.goto(f"{live_server.url}/directory/")
    page.select_option("select[name=need]", "safety_shelter")
    _pick_area(page, "Kharkivska obl", "o.value === 'Kharkivska oblast'", "Kharkivska oblast")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert "area_country=UKR" in page.url
    assert page.locator("table.pathway tbody tr a").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
    context.close()
