"""The main pages under the Content-Security-Policy in a real browser (headless Chromium):
nothing is blocked (no violation reported), nothing is fetched from another origin, and
what the pages draw still draws: the dashboard's charts and map, the alert map, the
self-report form's script, and the API docs (Swagger UI from the vendored copy).

Skipped when /usr/bin/chromium is missing, unless CI=true (then it fails).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from ulinzi.accounts.models import Organisation
from ulinzi.analysis import generate
from ulinzi.demo.organisations import demo_password

pytestmark = pytest.mark.e2e

# Runs before any page script (injected by the browser, not by the page): records every
# violation the policy reports.
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' '
                           + (e.sourceFile || '') + ':' + (e.lineNumber || ''));
});
"""

DRAWN = "(sel) => Array.from(document.querySelectorAll(sel + ' canvas')).map(c => c.toDataURL())"


def _raise_alert(username: str) -> None:
    from ulinzi.accounts.access import actor_for
    from ulinzi.accounts.models import User
    from ulinzi.alerts import services

    services.raise_alert(
        actor=actor_for(User.objects.get(username=username)),
        data={
            "title": "Shelling expected near the district hospital",
            "threatened": "District hospital",
            "severity": "urgent",
            "domains": ["health_care_attack"],
            "lat": 49.99,
            "lon": 36.23,
            "radius_km": 20,
            "expires_at": (timezone.now() + timedelta(hours=6)).isoformat(),
        },
        now=timezone.now(),
    )


def test_main_pages_run_under_the_policy_with_nothing_blocked_or_fetched_elsewhere(
    live_server: Any, demo_orgs: dict[str, Organisation], browser: Any
) -> None:
    generate.bulk_load(300, [demo_orgs["cluster"]], generate.Options(seed=5))
    _raise_alert("monitor")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    outside: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(live_server.url):
            r.continue_()
        else:  # nothing leaves the server: recorded and refused
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(15_000)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "coordinator")
    page.fill("input[name=password]", demo_password())
    page.click("button[type=submit]")
    page.wait_for_load_state()

    seen: dict[str, list[str]] = {}

    def visit(path: str, ready: str) -> None:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        page.wait_for_selector(ready, state="attached")
        seen[path] = page.evaluate("window.__violations")

    visit("/analysis/", "#map[data-ready='1']")
    assert page.locator("#chart-time canvas").count() == 1
    assert page.locator("#map .cluster-sum, #map .point-dot").count() > 0
    page.locator("#chart-time").scroll_into_view_if_needed()
    box = page.locator("#chart-time").bounding_box()
    assert box is not None
    before = page.evaluate(DRAWN, "#chart-time")
    for dx in (0, 5, 10):  # over the plot: the axis tooltip opens
        page.mouse.move(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    assert page.evaluate(DRAWN, "#chart-time") != before  # the tooltip was drawn
    seen["/analysis/ (tooltip)"] = page.evaluate("window.__violations")
    visit("/analysis/areas/", "#areas-table")
    visit("/incidents/", ".count")
    visit("/incidents/new/", "form [data-domain-select]")
    page.select_option("[data-domain-select]", "health_care_attack")  # ulinzi.js runs
    visit("/report/", "form")
    visit("/anonymous/", "form")
    visit("/alerts/", "main")
    visit("/alerts/map/", "#alert-map[data-alerts='1']")
    visit("/api/v1/docs", ".swagger-ui .opblock")
    operations = page.locator(".swagger-ui .opblock").count()
    assert operations > 50, operations

    assert {path: v for path, v in seen.items() if v} == {}
    assert [c for c in console if "Content Security Policy" in c] == []
    assert errors == []
    assert outside == []
    context.close()
