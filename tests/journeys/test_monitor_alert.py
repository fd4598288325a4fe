"""Journey 3: a monitor records an incident (a first try with a mistake, corrected), finds
it again by text search, and raises a flash alert; the real worker emails it to a
subscriber of another organisation, who acknowledges it from the link in the email; the
monitor sees the acknowledgement."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from tests.journeys.person import Person, t
from tests.journeys.site import Site
from ulinzi.web.i18n import country_name

pytestmark = pytest.mark.e2e
SUBSCRIBER = "coordinator2@amani.example.org"  # the demo's email subscription (Sudan is in it)


def _wait_for_mail(site: Site, title: str, seconds: float = 90) -> str:
    """The body of the alert email to the subscriber, once the worker has sent it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for to, subject, body in site.mail():
            if to == SUBSCRIBER and title in subject:
                return body
        time.sleep(0.5)
    raise AssertionError(f"no alert email to {SUBSCRIBER} in {seconds} s")


def test_monitor_alert(person: Callable[[str], Person], walk: tuple[str, str], site: Site) -> None:
    language = walk[1]
    word = f"maternity{secrets.token_hex(3)}"
    monitor = person("monitor")
    page = monitor.page
    monitor.sign_in("monitor")
    assert page.url.endswith("/incidents/"), page.url
    with page.expect_navigation():
        page.click("a[href='/incidents/new/']")
    monitor.land("1-form")
    page.select_option("#id_domain", "health_care_attack")
    page.check("input[name=types][value=heavy_weapons]")
    page.select_option("#id_cause", "armed_conflict")
    page.fill("#id_occurred_on", "2099-01-01")  # the mistake: a day still to come
    monitor.choose("#id_country", "SDN")
    page.fill("#id_admin1_name", "Khartoum")
    page.fill("#id_narrative", f"Shelling hit the {word} ward at dawn.")
    monitor.submit("form.record-form button[type=submit]")
    assert page.is_visible("#error-summary"), monitor.main_text()
    assert page.url.endswith("/incidents/new/")
    monitor.land("2-refused")
    assert page.input_value("#id_narrative") == f"Shelling hit the {word} ward at dawn."
    page.fill("#id_occurred_on", datetime.now(UTC).date().isoformat())
    monitor.submit("form.record-form button[type=submit]")
    assert re.search(r"/incidents/[0-9a-f-]{36}/$", page.url), monitor.main_text()
    incident_url = page.url
    monitor.land("3-incident")

    monitor.menu("/incidents/")
    page.fill("#f-q", word)
    monitor.submit("form.incident-finder .search-actions button")
    rows = page.locator("table.incidents tbody tr")
    assert rows.count() == 1, monitor.main_text()
    assert rows.first.locator("a").first.get_attribute("href") == incident_url.removeprefix(
        site.url
    )
    monitor.land("4-found")

    title = f"Shelling near hospitals {word}"
    page.goto("/alerts/new/")
    monitor.land("5-alert-form")
    page.fill("#title", title)
    page.select_option("#severity", "flash")
    page.check("input[name=domains][value=health_care_attack]")
    page.fill("#expires_at", (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#area_country", "SDN")  # the whole of Sudan, chosen by name
    page.fill("#threatened", "Hospitals of Khartoum within range of the shelling.")
    monitor.submit("form.incident-form button[type=submit]")
    assert re.search(r"/alerts/[0-9a-f-]{36}/$", page.url), monitor.main_text()
    alert_url = page.url
    facts = monitor.land("6-alert")
    assert country_name("SDN", language) in facts, facts  # the area by name, not "SD"

    body = _wait_for_mail(site, title)
    link = re.search(re.escape(site.url) + r"/alerts/ack/[^\s/]+/", body)
    assert link, body
    subscriber = person("subscriber")
    inbox = subscriber.page
    inbox.goto(link.group(0))
    assert inbox.locator("h1").inner_text() == title
    subscriber.land("7-email-link")
    subscriber.submit("main form button[type=submit]")
    assert inbox.locator("main form").count() == 0  # acknowledged: no button left
    subscriber.land("8-acknowledged")

    page.goto(alert_url)
    row = page.locator("tbody tr", has_text="coordinator2")
    assert t(language, "not yet") not in row.inner_text(), row.inner_text()
    # Organisations by name ("amani" before).
    assert page.locator("tbody tr", has_text="Amani Relief (demo NGO)").count() == 1
    headers = page.locator("main table thead th").all_inner_texts()
    if language == "ar":  # every column named in Arabic ("Webhook" was left in English)
        assert not [h for h in headers if re.fullmatch(r"[ -~]+", h)], headers
    monitor.land("9-board")
