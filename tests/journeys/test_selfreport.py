"""Journey 1: a health worker files a self-report online (with a double click, as
people do) and another offline that goes when the connection returns; both are in
their list of incidents once each, and they read what they wrote."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import pytest

from tests.journeys.person import Person, t

pytestmark = pytest.mark.e2e
OUTBOX_EMPTY = "() => UlinziOutbox.all().then(items => items.length === 0)"


def _fill(page: Any, province: str, story: str) -> None:
    page.check("input[name=types][value=heavy_weapons]")
    page.select_option("#country", "SDN")
    page.fill("#admin1_name", province)
    page.select_option("#facility_type", "secondary")
    page.check("input[name=resources][value=facility]")
    page.fill("#injured", "3")
    page.check("input[name=conflict_related][value=yes]")
    page.fill("#narrative", story)


def test_self_report(person: Callable[[str], Person], walk: tuple[str, str]) -> None:
    language = walk[1]
    province = f"Sennar {secrets.token_hex(3)}"
    worker = person("reporter")
    page = worker.page
    worker.sign_in("reporter")
    assert page.url.endswith("/report/"), page.url
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    worker.land("1-form")

    _fill(page, province, f"Shelling hit the maternity ward ({province}, online).")
    page.dblclick("#send")
    page.wait_for_selector("#outbox-status[data-state=sent]")
    page.wait_for_function(OUTBOX_EMPTY)
    assert page.inner_text("#outbox-status") == t(language, "Sent. Thank you.")
    worker.land("2-sent")

    worker.context.set_offline(True)
    page.reload()  # the form comes from the device now
    page.wait_for_selector("#selfreport")
    _fill(page, province, f"The ambulance was stopped at a checkpoint ({province}, offline).")
    page.click("#send")
    page.wait_for_selector("#outbox-status[data-state=saved]")
    assert page.inner_text("#outbox-status") == t(
        language, "Saved on this device. It will be sent when you are back online."
    )
    worker.land("3-saved-offline")
    worker.context.set_offline(False)
    page.wait_for_selector("#outbox-status[data-state=sent]")
    page.wait_for_function(OUTBOX_EMPTY)
    worker.land("4-sent-online")

    # Their incidents: each report once, and what they wrote.
    worker.menu("/incidents/")
    if not page.is_visible("#f-admin1"):  # the filters fold on a phone
        page.click("details.filter-panel summary")
    page.fill("#f-admin1", province)
    worker.submit("form.incident-finder .search-actions button")
    rows = page.locator("table.incidents tbody tr")
    assert rows.count() == 2, worker.main_text()
    worker.land("5-my-incidents")
    stories = []
    for n in range(2):
        with page.expect_navigation():
            rows.nth(n).locator("td.when a").click()
        stories.append(worker.land(f"6-incident-{n}"))
        page.go_back()
    assert sum(f"({province}, online)." in s for s in stories) == 1
    assert sum(f"({province}, offline)." in s for s in stories) == 1
