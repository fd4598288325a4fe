"""Journey 5: a case worker (with an authenticator app) opens a case, records the
survivor's consent and refers them to another organisation's service, whose case worker
accepts; a high-risk screening result requires a plan and a protective measure is added;
a case worker of a third organisation sees nothing of it."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

import pytest

from tests.journeys.person import Person, t

pytestmark = pytest.mark.e2e
WEAPON = "Has the partner used or threatened to use a weapon?"  # a question of ipv.json


def test_case_referral(person: Callable[[str], Person], walk: tuple[str, str]) -> None:
    language = walk[1]
    summary = f"Threatened by her former partner {secrets.token_hex(3)}."
    worker = person("case_worker")
    page = worker.page
    worker.sign_in("case_worker")
    assert page.url.endswith("/cases/"), page.url
    worker.land("1-cases")

    with page.expect_navigation():
        page.click("a[href='/cases/new/']")
    worker.land("2-new")
    page.fill("#id_survivor_name", "Survivor of the journey")
    page.fill("#id_survivor_contact", "through the case worker")
    worker.choose("#id_sex", "female")
    worker.choose("#id_age_group", "adult")
    worker.choose("#id_country", "UKR")
    worker.choose("#id_admin1_pcode", "UA-63")
    page.fill("#id_admin1_name", "Kharkivska oblast")
    page.check("input[name=needs][value=safety_shelter]")
    page.fill("#id_summary", summary)
    worker.submit("form.incident-form button[type=submit]")
    assert re.search(r"/cases/[0-9a-f-]{36}/$", page.url), worker.main_text()
    case_url = page.url
    reference = page.locator("h1").inner_text().split()[-1]
    worker.land("3-case")

    # Consent to refer to Amani, then the referral to its safe house.
    page.click(f"summary:text-is('{t(language, 'Record a consent')}')")
    worker.choose("#id_purpose", "referral")
    worker.choose("#id_recipient", "amani")
    for scope in ("needs", "sex_age", "area", "summary"):
        page.check(f"input[name=scope][value={scope}]")
    worker.submit("form[action$='/consents/'] button[type=submit]")
    worker.land("4-consent")
    option = page.locator("#refer-service option", has_text="Amani safe house")
    page.select_option("#refer-service", option.first.get_attribute("value"))
    page.fill("#refer-form input[name=note]", "Needs a safe place tonight.")
    worker.submit("#refer-form button[type=submit]")
    assert "/cases/referrals/" in page.url, worker.main_text()
    assert "Amani safe house" in worker.land("5-referred")

    receiver = person("case_worker2")
    other = receiver.page
    receiver.sign_in("case_worker2")
    other.goto("/cases/referrals/")
    receiver.land("6-referrals")
    with other.expect_navigation():
        other.click(f"a:has-text('{reference}')")
    assert summary in receiver.main_text()  # the summary is in the consent's scope
    assert "Survivor of the journey" not in receiver.main_text()  # the name is not
    receiver.land("7-referral")
    receiver.submit("#accept-referral")
    receiver.land("8-accepted")

    # A high-risk screening: the case asks for a plan; a protective measure is added.
    page.goto(case_url)
    assert page.locator("h2 + ul li", has_text="Amani safe house").count() == 1
    with page.expect_navigation():
        page.click("a.button[href$='/assess/ipv/']")
    screening = worker.land("9-screening")
    assert t(language, WEAPON) in screening
    if language != "en":  # the instrument's questions in the reader's language
        assert WEAPON not in screening, screening
    for answer in page.locator("input[type=radio][value=yes]").all():
        answer.check()
    page.check("input[type=radio][value=very]")
    worker.submit("main form button[type=submit]")
    assert page.url == case_url
    assert t(language, "High-risk protocol: a protective-measures plan is required.") in (
        worker.main_text()
    )
    worker.land("10-high-risk")
    worker.choose("#id_kind", "safety_plan")
    worker.choose("#id_owner", "cluster")
    page.fill("#id_owner_contact", "the case worker")
    worker.submit("form[action$='/measures/'] button[type=submit]")
    measures = page.locator("table", has=page.locator("form[action*='/cases/measures/']"))
    assert measures.locator("tbody tr").count() == 1
    worker.land("11-measure")

    outsider = person("case_worker3")
    third = outsider.page
    outsider.sign_in("case_worker3")
    assert reference not in outsider.land("12-third-cases")
    outsider.expect(404, case_url)
    third.goto(case_url)
    assert summary not in outsider.main_text()
    third.goto("/cases/referrals/")
    assert reference not in outsider.land("13-third-referrals")
