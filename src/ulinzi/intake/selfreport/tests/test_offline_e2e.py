"""End to end in headless Chromium: a health worker goes offline, submits the form,
sees it kept on the device, comes back online and the report is sent — exactly once."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def test_a_report_made_offline_is_sent_once_back_online(
    demo_orgs: Any, live_server: Any, browser: Any
) -> None:
    from ulinzi.demo.organisations import demo_password
    from ulinzi.incidents.models import Incident

    # Service workers need a secure context: localhost is one.
    base = live_server.url.replace("127.0.0.1", "localhost")
    context = browser.new_context(base_url=base)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto("/login/?next=/report/")
    page.fill("#id_username", "reporter")
    page.fill("#id_password", demo_password())
    page.click("button[type=submit]")
    page.wait_for_url("**/report/")
    # Installed: the worker is active and controls the page.
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    assert page.evaluate("() => document.querySelector('link[rel=manifest]') !== null")

    context.set_offline(True)
    page.reload()  # the form comes from the device now
    page.wait_for_selector("#selfreport")
    page.check("input[name=types][value=heavy_weapons]")
    page.check("input[name=types][value=setting_fire]")
    page.fill("#occurred_on", "2025-04-02")
    page.select_option("#country", "SDN")
    page.fill("#admin1_name", "Khartoum")
    page.select_option("#facility_type", "secondary")
    page.check("input[name=resources][value=facility]")
    page.fill("#injured", "3")
    page.select_option("#perpetrator", "non_state_armed_group")
    page.check("input[name=conflict_related][value=yes]")
    page.fill("#narrative", "Shelling hit the maternity ward at night.")
    page.click("#send")
    page.wait_for_selector("#outbox-status[data-state=saved]")
    assert "Saved on this device" in page.inner_text("#outbox-status")
    assert page.evaluate("() => UlinziOutbox.all().then(items => items.length)") == 1
    source_id = page.evaluate("() => UlinziOutbox.all().then(items => items[0].id)")
    assert not Incident.objects.exists()

    context.set_offline(False)
    page.wait_for_selector("#outbox-status[data-state=sent]")
    assert "Sent" in page.inner_text("#outbox-status")
    page.wait_for_function("() => UlinziOutbox.all().then(items => items.length === 0)")
    # The page and the worker may both have tried: the source id keeps it to one.
    page.evaluate("() => UlinziOutbox.flush('/api/v1/incidents', () => '')")
    incidents = Incident.objects.filter(source_id=source_id)
    assert incidents.count() == 1
    assert Incident.objects.count() == 1
    incident = incidents.get()
    assert incident.reported_by is not None and incident.reported_by.username == "reporter"
    assert sorted(incident.types) == ["heavy_weapons", "setting_fire"]
    assert (incident.country, incident.admin1_name, incident.cause) == (
        "SDN",
        "Khartoum",
        "armed_conflict",
    )
    assert (incident.injured, incident.facility_type) == (3, "secondary")
    assert incident.narrative == "Shelling hit the maternity ward at night."
    context.close()
