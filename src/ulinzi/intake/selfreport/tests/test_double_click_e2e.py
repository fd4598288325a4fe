"""End to end in headless Chromium, online: "Send the report" clicked twice in quick
succession records one incident (the form's report keeps one source id until it is
sent); the form without script sends the source id of its page, so a resent POST is
one incident too."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.e2e


def _fill(page: Any) -> None:
    page.check("input[name=types][value=heavy_weapons]")
    page.fill("#occurred_on", "2025-04-02")
    page.select_option("#country", "SDN")
    page.check("input[name=conflict_related][value=yes]")


def test_a_double_click_online_records_one_incident(
    demo_orgs: Any, live_server: Any, browser: Any
) -> None:
    from ulinzi.demo.organisations import demo_password
    from ulinzi.incidents.models import Incident

    page = browser.new_context(base_url=live_server.url).new_page()
    page.set_default_timeout(20_000)
    page.goto("/login/?next=/report/")
    page.fill("#id_username", "reporter")
    page.fill("#id_password", demo_password())
    page.click("button[type=submit]")
    page.wait_for_url("**/report/")
    _fill(page)
    page.dblclick("#send")
    page.wait_for_selector("#outbox-status[data-state=sent]")
    page.wait_for_function("() => UlinziOutbox.all().then(items => items.length === 0)")
    assert Incident.objects.count() == 1
    # the next report is a new one
    _fill(page)
    page.click("#send")
    page.wait_for_function("() => UlinziOutbox.all().then(items => items.length === 0)")
    page.wait_for_function(
        "() => document.querySelector('#outbox-status').dataset.state === 'sent'"
    )
    assert Incident.objects.count() == 2


def test_the_form_without_script_sends_once(demo_orgs: Any, user: Any) -> None:
    from ulinzi.incidents.models import Incident

    client = Client()
    client.force_login(user("reporter"))
    html = client.get("/report/").content.decode()
    source_id = html.split('name="source_id" value="')[1].split('"')[0]
    form = {
        "source_id": source_id,
        "types": "heavy_weapons",
        "occurred_on": "2025-04-02",
        "country": "SDN",
        "conflict_related": "yes",
    }
    for _ in range(2):
        assert client.post("/report/", form).status_code == 302
    assert Incident.objects.filter(source_id=source_id).count() == 1
    assert Incident.objects.count() == 1
