"""The dashboard in a real browser (headless Chromium): the map draws shaded countries and
clustered points from the offline files, the charts draw, and a number opens its list.

Skipped when /usr/bin/chromium is missing, unless CI=true (then it fails). The screenshot
is kept in test-artifacts/dashboard.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ulinzi.accounts.models import Organisation
from ulinzi.analysis import generate
from ulinzi.demo.organisations import demo_password

ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"

pytestmark = pytest.mark.e2e


@pytest.fixture
def browser_page(browser: Any) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    yield page
    # Leave the server idle (no kept-alive request holding a database connection).
    page.goto("about:blank")


def _canvas_is_drawn(page: Any, selector: str) -> bool:
    return bool(
        page.evaluate(
            """(sel) => {
              const c = document.querySelector(sel + ' canvas');
              if (!c || !c.width || !c.height) return false;
              const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              let painted = 0;
              for (let i = 3; i < px.length; i += 4 * 16) { if (px[i] > 0) painted++; }
              return painted > 50;
            }""",
            selector,
        )
    )


def test_dashboard_map_and_charts_render(
    live_server: Any, demo_orgs: dict[str, Organisation], browser_page: Any
) -> None:
    orgs = [demo_orgs["cluster"], demo_orgs["who-ssa"], demo_orgs["insecurity-insight"]]
    generate.bulk_load(900, orgs, generate.Options(seed=3))
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", demo_password())
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/analysis/")

    page.wait_for_selector("#map[data-ready='1']", timeout=15000)
    assert page.locator("#map.leaflet-container").count() == 1
    markers = page.locator("#map .cluster-sum, #map .point-dot").count()
    assert markers > 0
    shaded = page.evaluate(
        """() => Array.from(document.querySelectorAll('#map path.leaflet-interactive'))
             .filter(p => (p.getAttribute('fill') || '').toLowerCase() !== '#f4f1ea').length"""
    )
    assert shaded >= 10, shaded  # the generated data covers 30 countries
    total = page.evaluate(
        """() => Array.from(document.querySelectorAll('#map .cluster-sum div'))
             .reduce((s, d) => s + Number(d.textContent), 0)
           + document.querySelectorAll('#map .point-dot').length"""
    )
    assert total > 0
    for chart in ("#chart-time", "#chart-casualties", "#chart-causes", "#chart-certainty"):
        assert _canvas_is_drawn(page, chart), chart
    assert not errors, errors
    assert not outside, f"requests left the server: {outside[:3]}"

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

    # A headline number opens the incident list behind it, with the same count.
    shown = page.locator(".headline .big a").first
    number = int(shown.inner_text().replace(",", "").replace("\u202f", ""))
    shown.click()
    page.wait_for_url("**/incidents/**")
    assert f"{number:,} incidents".replace(",", "") in page.inner_text(".count").replace(",", "")
