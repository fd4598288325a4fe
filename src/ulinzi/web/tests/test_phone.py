"""Where people land, and the phone, in headless Chromium: each role signs in on a
390×844 screen, lands where its work is, opens the menu with its button and can reach
every item; no page of theirs is wider than the screen. On a 1366 px desktop the
coordinator's header stays on at most two lines.

Needs Debian's ``chromium`` at /usr/bin/chromium (driven by Playwright). Without it the
test is skipped, except with ``CI=true`` where its absence is a failure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

# role → where its work is, and the other pages it uses that were too wide on a phone.
ROLES = {
    "coordinator": (
        "/analysis/",
        [
            "/analysis/areas/",
            "/alerts/",
            "/cases/complaints/",
            "/reports/situation/",
            "/deconfliction/",
        ],
    ),
    "analyst": ("/analysis/", []),
    "monitor": ("/incidents/", ["/alerts/"]),
    "investigator": ("/cases/complaints/", []),
    "case_worker": ("/cases/", []),
    "reporter": ("/report/", []),
    "party_focal_point": ("/deconfliction/party/", []),
    "admin": ("/organisation/", []),
}


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Path:
    path = Path(request.config.rootpath) / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


def _sign_in(page: Any, base: str, username: str) -> None:
    """Password, then (roles that see cases) the TOTP code of the user's device."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ulinzi.accounts.models import User
    from ulinzi.cases.tests.conftest import totp_code

    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "ulinzi-demo")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    if "/account/2fa/" in page.url:
        device = TOTPDevice.objects.get(user=User.objects.get(username=username), confirmed=True)
        page.fill("#code", totp_code(device))
        with page.expect_navigation():
            page.click("main button[type=submit]")


def _width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


# The innermost elements that reach past the screen's edge, to say what is too wide.
_OVERFLOWING = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > innerWidth + 1
            && ![...e.children].some(c => c.getBoundingClientRect().right > innerWidth + 1))
  .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
            + ' ' + (e.textContent || '').trim().slice(0, 40))"""


@pytest.fixture
def with_devices(demo_orgs: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ulinzi.accounts.models import User

    for name in ("coordinator", "case_worker", "investigator"):
        TOTPDevice.objects.create(user=User.objects.get(username=name), name="e2e", confirmed=True)


def test_each_role_lands_on_its_work_and_reaches_every_menu_item_on_a_phone(
    transactional_db: Any,
    live_server: Any,
    with_devices: Any,
    make_incident: Any,
    browser: Any,
    artifacts: Path,
) -> None:
    for n in range(3):
        make_incident(admin1_name=f"Kharkivska oblast number {n}", admin1_pcode=f"UA-6{n}")
    problems = []
    for role, (landing, others) in ROLES.items():
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.set_default_timeout(15_000)
        _sign_in(page, live_server.url, role)
        if not page.url.endswith(landing):
            problems.append(f"{role} landed on {page.url}, not {landing}")
        links = page.locator("#main-menu a")
        assert links.count() > 0, role
        assert not links.first.is_visible(), f"{role}: the menu is open before its button"
        page.click("label[for=menu-toggle]")
        if _width(page) > PHONE["width"]:
            problems.append(f"{role}: {_width(page)} px wide with the menu open")
        for i in range(links.count()):
            link = links.nth(i)
            box = link.bounding_box()
            if not link.is_visible() or box is None or box["x"] < 0 or box["x"] + 1 > 390:
                problems.append(f"{role}: menu item {link.inner_text()!r} out of reach")
        for path in [landing, *others]:
            page.goto(f"{live_server.url}{path}")
            if _width(page) > PHONE["width"]:
                wide = page.evaluate(_OVERFLOWING)
                problems.append(f"{role} {path}: {_width(page)} px wide: {wide}")
        if role == "coordinator":
            page.goto(f"{live_server.url}{landing}")
            page.click("label[for=menu-toggle]")
            page.screenshot(path=str(artifacts / "phone-menu-coordinator.png"))
        context.close()
    assert not problems, "\n".join(problems)


def test_the_coordinators_header_fits_two_lines_on_a_desktop(
    transactional_db: Any, live_server: Any, with_devices: Any, browser: Any, artifacts: Path
) -> None:
    page = browser.new_context(viewport=DESKTOP).new_page()
    _sign_in(page, live_server.url, "coordinator")
    page.screenshot(path=str(artifacts / "desktop-header-coordinator.png"))
    assert not page.is_visible("label[for=menu-toggle]")
    header = page.locator("header.topbar").bounding_box()
    line = page.locator("#main-menu a").first.bounding_box()
    assert header is not None and line is not None
    assert header["height"] < 3 * line["height"] + 30, header
