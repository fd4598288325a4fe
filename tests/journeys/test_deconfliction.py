"""Journey 7: a coordinator registers a health facility and a convoy, and notifies both
to one party to the conflict; that party's focal point sees them and acknowledges the
batch; the focal point of another party sees nothing of it."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from tests.journeys.person import Person

pytestmark = pytest.mark.e2e
CLUSTER = "Health and Protection Cluster (demo)"  # the demo coordinator's organisation


def _at(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_deconfliction(person: Callable[[str], Person], walk: tuple[str, str]) -> None:
    mark = secrets.token_hex(3)
    site, convoy = f"Field hospital {mark}", f"Medical convoy {mark}"
    coordinator = person("coordinator")
    page = coordinator.page
    coordinator.sign_in("coordinator")
    coordinator.menu("/deconfliction/")
    coordinator.land("1-overview")

    with page.expect_navigation():
        page.click("a[href='/deconfliction/sites/new/']")
    coordinator.land("2-site-form")
    # The organisation is chosen by name from the coordinator's own (no code to type).
    assert page.locator("#organisation option").all_inner_texts() == [CLUSTER]
    page.select_option("#organisation", label=CLUSTER)
    page.fill("#name", site)
    page.select_option("#site_type", index=0)
    page.fill("#lat", "15.5007")
    page.fill("#lon", "32.5599")
    page.fill("#valid_from", datetime.now(UTC).date().isoformat())
    coordinator.submit("form.incident-form button[type=submit]")
    coordinator.land("3-site")

    page.goto("/deconfliction/movements/new/")
    coordinator.land("4-movement-form")
    page.select_option("#organisation", label=CLUSTER)
    page.fill("#purpose", convoy)
    page.fill("#route", "15.5007, 32.5599\n15.6, 32.6\n15.7, 32.7")
    page.fill("#departure_from", _at(3))
    page.fill("#departure_until", _at(3.1))
    page.fill("#arrival_from", _at(3.3))
    page.fill("#arrival_until", _at(3.4))
    page.fill("#vehicles", "2")
    page.fill("#people", "6")
    coordinator.submit("form.incident-form button[type=submit]")
    coordinator.land("5-movement")

    page.goto("/deconfliction/")
    page.check(f"input[name=sites][aria-label='{site}']")
    page.check(f"input[name=movements][aria-label='{convoy}']")
    page.check("input[name=parties][value=party-a]")
    coordinator.submit("form[action$='/deconfliction/send/'] button[type=submit]")
    coordinator.land("6-sent")

    focal = person("party-a-focal")
    inbox = focal.page
    focal.sign_in("party-a-focal")
    assert inbox.url.endswith("/deconfliction/party/"), inbox.url
    batch = inbox.locator("section", has_text=site)
    assert batch.count() == 1 and convoy in batch.inner_text(), focal.main_text()
    focal.land("7-party-inbox")
    with inbox.expect_navigation():
        batch.locator("form[action*='/acknowledge'] button").last.click()
    batch = inbox.locator("section", has_text=site)
    assert batch.locator("table button").count() == 0  # each item acknowledged
    focal.land("8-acknowledged")

    other = person("party-b-focal")
    other.sign_in("party-b-focal")
    text = other.land("9-other-party")
    assert site not in text and convoy not in text
