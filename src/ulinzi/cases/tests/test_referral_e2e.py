"""End to end in headless Chromium: a case worker of "cluster" signs in with a TOTP code
and refers a survivor to amani's safe house; a case worker of "amani" signs in with
their own code, reads the shared summary and accepts; the sender sees the acceptance.

Needs Debian's ``chromium`` at /usr/bin/chromium (driven by Playwright). Without it the
test is skipped, except with ``CI=true`` where its absence is a failure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def _sign_in_with_code(page: Any, base: str, username: str, target: str) -> None:
    """Password, then the TOTP code the test computes from the user's device key."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ulinzi.accounts.models import User
    from ulinzi.cases.tests.conftest import totp_code

    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "ulinzi-demo")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.goto(f"{base}{target}")
    assert "/account/2fa/" in page.url, page.url
    device = TOTPDevice.objects.get(user=User.objects.get(username=username), confirmed=True)
    page.fill("#code", totp_code(device))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url.endswith(target), page.url


def test_referral_from_one_organisation_to_another(
    transactional_db: Any,
    live_server: Any,
    demo_orgs: Any,
    browser: Any,
    request: pytest.FixtureRequest,
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ulinzi.accounts.access import actor_for
    from ulinzi.accounts.models import User
    from ulinzi.cases.models import Notification, Referral
    from ulinzi.cases.services import casefile, consent
    from ulinzi.directory import demo

    demo.load()
    for name in ("case_worker", "case_worker2"):
        TOTPDevice.objects.create(user=User.objects.get(username=name), name="e2e", confirmed=True)
    worker = actor_for(User.objects.get(username="case_worker"))
    case = casefile.open_case(
        actor=worker,
        data={
            "country": "UKR",
            "admin1_pcode": "UA-63",
            "survivor_name": "Mariia E2E",
            "survivor_contact": "+380 00 111 2222",
            "needs": ["safety_shelter"],
            "summary": "Needs a safe place tonight.",
        },
    )
    consent.give(
        actor=worker,
        case=case,
        purpose="referral",
        recipient="amani",
        scope=["needs", "survivor_name", "summary"],
    )
    shots = Path(request.config.rootpath) / "test-artifacts"
    shots.mkdir(exist_ok=True)

    # The sender: sign in with a code, open the case, refer it to amani's safe house.
    sender = browser.new_context().new_page()
    sender.set_default_timeout(15_000)
    _sign_in_with_code(sender, live_server.url, "case_worker", f"/cases/{case.pk}/")
    assert "Mariia E2E" in sender.locator("main").inner_text()
    shelter = sender.locator("#refer-service option", has_text="Amani safe house")
    sender.select_option("#refer-service", shelter.get_attribute("value"))
    sender.fill("#refer-form input[name=note]", "She arrives with two children.")
    with sender.expect_navigation():
        sender.click("#refer-form button[type=submit]")
    assert "/cases/referrals/" in sender.url
    assert "Waiting for an answer" in sender.locator("#referral-status").inner_text()
    referral = Referral.objects.get()

    # The receiver: another organisation, its own code, the shared summary, accept.
    receiver = browser.new_context().new_page()
    receiver.set_default_timeout(15_000)
    _sign_in_with_code(receiver, live_server.url, "case_worker2", "/cases/referrals/")
    with receiver.expect_navigation():
        receiver.get_by_role("link", name=case.reference).first.click()
    summary = receiver.locator("#shared-summary").inner_text()
    assert "Mariia E2E" in summary and "Needs a safe place tonight." in summary
    assert "She arrives with two children." in summary
    assert "+380 00 111 2222" not in receiver.locator("main").inner_text()  # not consented
    receiver.screenshot(path=str(shots / "referral-receiver.png"), full_page=True)
    with receiver.expect_navigation():
        receiver.click("#accept-referral")
    assert "Accepted" in receiver.locator("#referral-status").inner_text()

    # The sender sees the answer.
    sender.reload()
    assert "Accepted" in sender.locator("#referral-status").inner_text()
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.responded_by is not None
    assert referral.responded_by.username == "case_worker2"
    assert Notification.objects.filter(
        kind="referral_answered", user__username="case_worker"
    ).exists()
