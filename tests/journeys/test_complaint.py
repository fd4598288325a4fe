"""Journey 6: a person reports sexual exploitation anonymously and keeps the receipt; an
investigator records it as a SEAH complaint and moves it through its stages to an
outcome; the complainant follows it with the receipt."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

import pytest

from tests.journeys.person import Person

pytestmark = pytest.mark.e2e
STAGES = ["assessment", "referral", "investigation", "outcome"]


def _label(language: str, code: str) -> str:
    from django.utils import translation

    from ulinzi.cases.models.complaint import Stage

    with translation.override(language):
        return str(Stage(code).label)


def test_complaint(person: Callable[[str], Person], walk: tuple[str, str]) -> None:
    language = walk[1]
    place = f"Sumska {secrets.token_hex(3)}"
    story = f"A distribution volunteer in {place} demanded sex for the food card."
    complainant = person("complainant")
    page = complainant.page
    page.goto("/anonymous/")
    receipt = complainant.report_anonymously(place, "2025-05", story)
    complainant.land("1-receipt")

    investigator = person("investigator")
    desk = investigator.page
    investigator.sign_in("investigator")
    desk.goto("/anonymous/queue/")
    with desk.expect_navigation():
        desk.locator("table tbody tr", has_text=place).locator("a").first.click()
    with desk.expect_navigation():
        desk.click("#record-complaint")
    investigator.land("2-new-complaint")
    desk.select_option("select[name=kind]", "sexual_exploitation")
    investigator.choose("[name=country]", "UKR")
    desk.fill("textarea[name=description]", story)
    desk.fill("input[name=subject_identity]", "The volunteer at the second gate")
    investigator.submit("main form button[type=submit]")
    assert re.search(r"/cases/complaints/[0-9a-f-]{36}/$", desk.url), investigator.main_text()
    investigator.land("3-complaint")

    for n, stage in enumerate(STAGES):
        desk.select_option("select[name=stage]", stage)
        investigator.submit("form:has(select[name=stage]) button[type=submit]")
        assert desk.inner_text("#complaint-stage").startswith(_label(language, stage))
        investigator.land(f"4-stage-{n}")
    desk.select_option("select[name=outcome]", index=0)
    investigator.submit("form:has(select[name=outcome]) button[type=submit]")
    investigator.land("5-outcome")

    page.goto("/cases/complaints/follow/")
    complainant.land("6-follow")
    page.fill("#receipt", receipt)
    complainant.submit("main form button[type=submit]")
    assert _label(language, "outcome") in complainant.land("7-followed")
