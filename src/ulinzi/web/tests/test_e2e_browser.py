"""End to end in headless Chromium: sign in, record an incident through the form, find it
in the list; once in English and once in Arabic (right to left), on a phone-sized screen.

Needs Debian's ``chromium`` at /usr/bin/chromium (driven by Playwright). Without it the
test is skipped, except with ``CI=true`` where its absence is a failure.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
ARABIC = re.compile("[\u0600-\u06ff]")


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Path:
    path = Path(request.config.rootpath) / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


def _t(language: str, text: str) -> str:
    """``text`` as the page shows it in ``language``."""
    with translation.override(language):
        return translation.gettext(text)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_record_an_incident_and_find_it_in_the_list(
    transactional_db: Any,
    live_server: Any,
    demo_orgs: Any,
    browser: Any,
    artifacts: Path,
    language: str,
) -> None:
    from ulinzi.incidents.models import Incident

    place = {"en": "Kharkiv e2e", "ar": "حلب تجربة"}[language]
    page = browser.new_context(viewport=PHONE, locale="en-GB").new_page()
    page.set_default_timeout(15_000)

    # Sign in.
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "monitor")
    page.fill("#id_password", "ulinzi-demo")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url.endswith("/incidents/")

    # Pick the language with the selector in the top bar.
    if language != "en":
        with page.expect_navigation():
            page.select_option("#language", language)
    html = page.locator("html")
    assert html.get_attribute("lang") == language
    assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    heading = page.locator("h1").inner_text()
    assert heading == _t(language, "Incidents")
    if language == "ar":
        assert ARABIC.search(heading), heading
        assert page.locator("h1").evaluate("e => getComputedStyle(e).direction") == "rtl"

    # Record an incident through the form.
    with page.expect_navigation():
        page.get_by_role("link", name=_t(language, "Record an incident")).click()
    page.select_option("#id_domain", "protection")
    # Only the chosen domain's types show.
    assert page.locator('.type-group[data-domain="protection"]').is_visible()
    assert page.locator('.type-group[data-domain="gbv"]').is_hidden()
    page.check('input[name="types"][value="forced_displacement"]')
    page.fill("#id_occurred_on", "2025-03-14")
    page.select_option("#id_country", "UKR")
    page.fill("#id_admin1_name", place)
    page.fill("#id_killed", "2")
    page.fill("#id_injured", "5")
    page.fill("#id_narrative", "Families were forced to leave the village at night.")
    page.screenshot(path=str(artifacts / f"e2e-{language}-form.png"), full_page=True)
    with page.expect_navigation():
        page.click("form.record-form button[type=submit]")
    assert _t(language, "Incident recorded.") in page.locator("main").inner_text()
    recorded = Incident.objects.get(admin1_name=place)
    assert recorded.types == ["forced_displacement"]
    assert (recorded.killed, recorded.injured, recorded.country) == (2, 5, "UKR")

    # Find it in the list with the province filter; the filter stays in the URL.
    page.click("label[for=menu-toggle]")  # the phone's menu button
    with page.expect_navigation():
        page.get_by_role("link", name=_t(language, "Incidents"), exact=True).click()
    page.locator(".filter-panel > summary").click()
    page.fill("#f-admin1", place)
    with page.expect_navigation():
        page.click(".filters button[type=submit]")
    assert "admin1=" in page.url
    assert page.locator("#f-admin1").input_value() == place
    rows = page.locator("table.incidents tbody tr")
    assert rows.count() == 1
    row_text = rows.first.inner_text()
    assert place in row_text
    assert "2025-03-14" in row_text
    with translation.override(language):
        from ulinzi.vocab import registry

        assert registry.get("domain").label("protection") in row_text
    if language == "ar":
        assert html.get_attribute("dir") == "rtl"
        assert ARABIC.search(page.locator("main").inner_text())
    page.screenshot(path=str(artifacts / f"e2e-{language}-list.png"), full_page=True)

    # And open it.
    with page.expect_navigation():
        rows.first.locator("a").click()
    assert place in page.locator("main").inner_text()
    page.context.close()
