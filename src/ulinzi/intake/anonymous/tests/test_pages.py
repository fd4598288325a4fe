"""The public pages: every shipped language (Arabic right to left), the warning about
losing the receipt, the receipt only in POST bodies; the full round trip in a browser's
shoes (CSRF included)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from ulinzi.intake.anonymous.models import AnonymousReport
from ulinzi.intake.anonymous.tests.conftest import REPORT

LOSING = {
    "en": "If you lose the code, you lose access to your report",
    "fr": "Si vous perdez le code, vous perdez l’accès à votre signalement",
    "es": "Si pierde el código, pierde el acceso a su denuncia",
    "ar": "إذا فقدت الرمز، فقدت الوصول إلى بلاغك",
}


@pytest.mark.parametrize("language", sorted(LOSING))
def test_the_report_page_speaks_every_shipped_language(receiving: Any, language: str) -> None:
    page = Client().get("/anonymous/", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'lang="{language}"' in html
    assert ('dir="rtl"' in html) == (language == "ar")
    assert LOSING[language] in html
    status = Client().get("/anonymous/status/", HTTP_ACCEPT_LANGUAGE=language)
    assert status.status_code == 200


def test_every_form_that_carries_a_receipt_posts_it(submit: Any) -> None:
    receipt = submit()
    client = Client()
    pages = [
        client.get("/anonymous/status/").content.decode(),
        client.post("/anonymous/status/", {"receipt": receipt}).content.decode(),
    ]
    for html in pages:
        for form in re.findall(r"<form[^>]*>.*?</form>", html, flags=re.S):
            if 'name="receipt"' in form:
                assert 'method="post"' in form, form
                action = re.search(r'action="([^"]*)"', form)
                assert action is not None and action.group(1) == "/anonymous/status/"
    assert receipt in pages[1]  # kept in the page body for the reply form only


def test_report_follow_and_write_through_the_pages(receiving: Any) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.get("/anonymous/")
    token = browser.cookies["csrftoken"].value
    sent = browser.post(
        "/anonymous/",
        {**REPORT, "occurred_on": "2025-01", "csrfmiddlewaretoken": token},
    )
    assert sent.status_code == 200
    html = sent.content.decode()
    groups = re.search(r'<p class="receipt"[^>]*>(.*?)</p>', html, flags=re.S)
    assert groups is not None
    receipt = "-".join(re.findall(r"<span>([0-9A-Z]{4})</span>", groups.group(1)))
    assert len(receipt) == 24
    assert "you lose access to your report" in html
    report = AnonymousReport.objects.get()
    assert (report.occurred_on.isoformat(), report.occurred_precision) == ("2025-01-01", "month")

    opened = browser.post(
        "/anonymous/status/",
        {"receipt": receipt.lower(), "action": "view", "csrfmiddlewaretoken": token},
    )
    assert opened.status_code == 200 and b"Received" in opened.content
    wrote = browser.post(
        "/anonymous/status/",
        {
            "receipt": receipt,
            "action": "write",
            "body": "I can say more.",
            "csrfmiddlewaretoken": token,
        },
    )
    assert wrote.status_code == 200 and b"I can say more." in wrote.content
    assert report.messages.get().body == "I can say more."
    wrong = browser.post(
        "/anonymous/status/",
        {"receipt": "0000-0000-0000-0000-0000", "action": "view", "csrfmiddlewaretoken": token},
    )
    assert wrong.status_code == 404 and b"No report answers to this receipt" in wrong.content


def test_the_form_names_what_is_wrong(receiving: Any) -> None:
    page = Client().post("/anonymous/", {**REPORT, "occurred_on": "someday", "country": ""})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="id_occurred_on-error"' in html and 'id="id_country-error"' in html
    assert not AnonymousReport.objects.exists()
