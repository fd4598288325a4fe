"""The point picker in a real browser (headless Chromium): on the incident, alert and site
forms a click on the offline map fills latitude and longitude, typed coordinates move the
marker, nothing is fetched from another origin, nothing breaks the page on a phone.

Skipped when /usr/bin/chromium is missing, unless CI=true (then it fails).
"""

from __future__ import annotations

from typing import Any

import pytest

from ulinzi.accounts.models import Organisation
from ulinzi.web.tests.browsing import signed_in

pytestmark = pytest.mark.e2e

FORMS = ("/incidents/new/", "/alerts/new/", "/deconfliction/sites/new/")


@pytest.mark.parametrize("width", [390, 1366])
def test_a_click_on_the_map_fills_the_point(
    live_server: Any, demo_orgs: dict[str, Organisation], browser: Any, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 844})
    outside: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(live_server.url):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page, errors = signed_in(context, live_server.url, "coordinator")

    for path in FORMS:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        picker = page.locator("[data-point-picker]")
        page.wait_for_selector("[data-point-picker]:not([hidden]) .leaflet-container")
        lat_id, lon_id = picker.get_attribute("data-lat"), picker.get_attribute("data-lon")
        picker.locator(".point-map").scroll_into_view_if_needed()
        picker.locator(".point-map").click(position={"x": 60, "y": 60})
        picked = picker.get_attribute("data-picked")
        assert picked, path
        lat, lon = page.input_value(f"#{lat_id}"), page.input_value(f"#{lon_id}")
        assert f"{lat},{lon}" == picked
        assert -90 <= float(lat) <= 90 and -180 <= float(lon) <= 180
        assert page.locator(".point-map .leaflet-marker-icon").count() == 1

        page.fill(f"#{lat_id}", "15.5")
        page.fill(f"#{lon_id}", "32.5")
        page.wait_for_timeout(200)
        assert page.locator(".point-map .leaflet-marker-icon").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path

    assert outside == []
    assert errors == []
    context.close()


def test_the_province_field_suggests_areas_and_fills_the_pcode(
    live_server: Any, demo_orgs: dict[str, Organisation], browser: Any, make_incident: Any
) -> None:
    make_incident(country="UKR", admin1_name="Kharkivska", admin1_pcode="UA63")
    make_incident(country="SDN", admin1_name="Khartoum", admin1_pcode="SD01")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page, errors = signed_in(context, live_server.url, "monitor")
    page.goto(f"{live_server.url}/incidents/new/")
    page.select_option("#id_country", "UKR")
    page.locator("#id_admin1_name").press_sequentially("khar")
    page.wait_for_function(
        "() => document.querySelector('#id_admin1_name[data-areas]') && "
        "[...document.querySelectorAll('#incident-areas option')]"
        ".every(o => o.label.toLowerCase().includes('khar'))"
    )
    labels = page.eval_on_selector_all("#incident-areas option", "os => os.map(o => o.label)")
    # The area incidents name, with its P-code, first; Sudan's Khartoum is not offered.
    assert labels[0] == "Kharkivska · UA63 · UKR"
    assert not any("Khartoum" in label for label in labels)
    page.fill("#id_admin1_name", "Kharkivska")
    assert page.input_value("#id_admin1_pcode") == "UA63"
    assert errors == []
    context.close()
