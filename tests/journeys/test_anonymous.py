"""Journey 2: an anonymous person reports (double click), keeps the receipt, follows the
report and writes to the handler; the handler (an investigator of the receiving
organisation) reads it, replies, changes the stage and turns it into an incident; the
reporter comes back with the receipt and reads the reply."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

import pytest

from tests.journeys.person import Person, t

pytestmark = pytest.mark.e2e


def _stage(language: str, code: str) -> str:
    """The stage as the reporter reads it (its label in the model's choices)."""
    from django.utils import translation

    from ulinzi.intake.anonymous.models import Stage

    with translation.override(language):
        return str(Stage(code).label)


def test_anonymous_report(person: Callable[[str], Person], walk: tuple[str, str]) -> None:
    language = walk[1]
    place = f"Kharkivska {secrets.token_hex(3)}"
    story = f"The guard at the distribution point in {place} asked for sex for vouchers."
    reporter = person("anonymous")
    page = reporter.page
    page.goto("/anonymous/")
    assert page.locator("h1").inner_text() == t(language, "Report anonymously")
    reporter.land("1-report")
    receipt = reporter.report_anonymously(place, "2025-03", story, double_click=True)
    assert t(language, "Write this code down now and keep it somewhere safe.") in (
        reporter.main_text()
    )
    reporter.land("2-receipt")

    with page.expect_navigation():
        page.click("a[href='/anonymous/status/']")
    page.fill("#id_receipt", receipt)
    reporter.submit("form.anon-form button[type=submit]")
    received = _stage(language, "received")
    assert page.locator("dd.stage").inner_text().startswith(received + " ("), reporter.main_text()
    page.fill("#id_body", "He is still there every Tuesday.")
    reporter.submit("form.anon-form button[type=submit]")
    assert t(language, "Your message was sent.") in reporter.main_text()
    reporter.land("3-status")

    handler = person("investigator")
    desk = handler.page
    handler.sign_in("investigator")
    handler.menu("/anonymous/queue/")
    rows = desk.locator("table tbody tr", has_text=place)
    assert rows.count() == 1, handler.main_text()  # one report, for all the double click
    handler.land("4-queue")
    with desk.expect_navigation():
        rows.first.locator("a").first.click()
    main = handler.main_text()
    assert story in main and "He is still there every Tuesday." in main
    handler.land("5-detail")
    desk.fill("#id_body", "Thank you. We have opened an inquiry.")
    handler.submit("form[action$='/reply/'] button[type=submit]")
    assert t(language, "Reply sent. The reporter sees it with their receipt.") in (
        handler.main_text()
    )
    desk.select_option("#id_stage", "acted_on")
    handler.submit("form[action$='/stage/'] button[type=submit]")
    assert t(language, "Stage changed.") in handler.main_text()
    handler.submit("form[action$='/incident/'] button[type=submit]")
    assert re.search(r"/incidents/[0-9a-f-]{36}/$", desk.url), desk.url
    assert story in handler.land("6-incident")

    page.goto("/anonymous/status/")
    page.fill("#id_receipt", receipt.lower())
    reporter.submit("form.anon-form button[type=submit]")
    acted = _stage(language, "acted_on")
    assert page.locator("dd.stage").inner_text().startswith(acted + " (")
    assert "Thank you. We have opened an inquiry." in page.locator("ol.thread").inner_text()
    reporter.land("7-reply")
    # Nothing on the reporter's device outlives the browser session.
    assert [c["name"] for c in reporter.context.cookies() if c["expires"] != -1] == []
