"""End to end in headless Chromium, as people do it: an anonymous person reports, keeps
the receipt, follows the report and writes to the handler; an investigator of the
receiving organisation reads it, replies, changes the stage and turns it into an
incident; the reporter reads the reply. The language is switched on the way, on a
phone and on a desktop screen.

Checked throughout: no console or page error, no 4xx/5xx answer, no page wider than the
screen; every form post carries the page's real ``Origin`` (what Django's CSRF check
compares), nothing is sent as referrer to another site, exactly one report is kept, and
no cookie on the reporter's device outlives the browser session.

Needs Debian's ``chromium`` at /usr/bin/chromium (driven by Playwright). Without it the
test is skipped, except with ``CI=true`` where its absence is a failure. Screenshots go
to ``$ULINZI_DATA_DIR/test-artifacts/``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import translation

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
ARABIC = re.compile("[\u0600-\u06ff]")
# The stages as the reporter reads them ("Received" is not the "date received" heading).
RECEIVED = {"en": "Received", "ar": "تم الاستلام"}
ACTED_ON = {"en": "Referred or acted on", "ar": "أُحيل أو اتُّخذ إجراء بشأنه"}
STORY = "The guard at the distribution point asked for sex in exchange for food vouchers."


def _t(language: str, text: str) -> str:
    """``text`` as the pages show it in ``language``."""
    with translation.override(language):
        return translation.gettext(text)


class Watched:
    """A browser context whose every page error, console error, refused answer and
    form post is written down, with a check of each page it lands on."""

    def __init__(self, browser: Any, base: str, viewport: dict[str, int], locale: str):
        self.base = base
        self.viewport = viewport
        self.context = browser.new_context(base_url=base, viewport=viewport, locale=locale)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.errors: list[str] = []
        self.refused: list[str] = []
        self.posts: list[dict[str, Any]] = []
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        self.page.on(
            "console",
            lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None,
        )
        self.page.on(
            "response",
            lambda r: (
                self.refused.append(f"{r.status} {r.request.method} {r.url}")
                if r.status >= 400
                else None
            ),
        )
        self.page.on("request", self._request)

    def _request(self, request: Any) -> None:
        if request.method == "POST":
            self.posts.append(
                {
                    "path": urlsplit(request.url).path,
                    "form": parse_qs(request.post_data or ""),
                    **request.all_headers(),
                }
            )

    def landed(self, shots: Path, name: str) -> None:
        """The page fits the screen; keep a screenshot of it."""
        width = self.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= self.viewport["width"], f"{name}: {width}px on {self.viewport['width']}"
        self.page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

    def switch_language(self, language: str) -> None:
        with self.page.expect_navigation():
            self.page.select_option("#language", language)
        html = self.page.locator("html")
        assert html.get_attribute("lang") == language
        assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")

    def submit(self, form: str) -> None:
        with self.page.expect_navigation():
            self.page.click(f"{form} button[type=submit]")

    def clean(self) -> None:
        assert self.errors == []
        assert self.refused == []


@pytest.mark.parametrize(
    ("screen", "first", "language"),
    [("phone", "en", "ar"), ("desktop", "ar", "en")],
    ids=["phone-en-to-ar", "desktop-ar-to-en"],
)
def test_report_follow_reply_and_read_the_reply(
    transactional_db: Any,
    live_server: Any,
    receiving: Any,
    browser: Any,
    settings: Any,
    screen: str,
    first: str,
    language: str,
) -> None:
    """``first``: the language the browser asks for; ``language``: the one the person
    picks with the language menu (on the report page, and the handler's)."""
    from ulinzi.demo.organisations import demo_password
    from ulinzi.incidents.models import Incident
    from ulinzi.intake.anonymous.models import AnonymousReport, Stage

    shots = Path(settings.DATA_DIR) / "test-artifacts" / f"anonymous-{screen}-{language}"
    shots.mkdir(parents=True, exist_ok=True)
    viewport = PHONE if screen == "phone" else DESKTOP
    base = live_server.url
    reporter = Watched(browser, base, viewport, first)
    page = reporter.page

    # The report page, in the browser's language; the person picks theirs.
    page.goto("/anonymous/")
    assert page.locator("html").get_attribute("lang") == first
    reporter.switch_language(language)
    assert page.locator("h1").inner_text() == _t(language, "Report anonymously")
    if language == "ar":
        assert ARABIC.search(page.locator("main").inner_text())
    reporter.landed(shots, "1-report")

    page.check("input[name=category][value=seah]")
    page.select_option("#id_country", "UKR")
    page.fill("#id_admin1_name", "Kharkivska")
    page.fill("#id_occurred_on", "2025-03")
    page.fill("#id_what_happened", STORY)
    # A double click, as people do: the second press comes while the server still works
    # on the first (it hashes the receipt with production Argon2 costs, ~0.3 s here).
    settings.ULINZI_RECEIPT_ARGON2 = {}
    settings.ULINZI_ARGON2_WAIT = 30  # the second waits for the first's slot, even when slow
    button = page.locator("form.anon-form button[type=submit]")
    button.scroll_into_view_if_needed()
    send = button.bounding_box()
    assert send is not None
    x, y = send["x"] + send["width"] / 2, send["y"] + send["height"] / 2
    page.mouse.click(x, y)
    page.wait_for_timeout(80)
    page.mouse.click(x, y)  # Chromium drops the first answer and shows the second
    page.wait_for_selector("p.receipt")
    receipt = page.locator("p.receipt").get_attribute("aria-label") or ""
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}", receipt), receipt
    assert _t(language, "Write this code down now and keep it somewhere safe.") in (
        page.locator("main").inner_text()
    )
    reporter.landed(shots, "2-receipt")
    # Both presses sent the receipt the page drew, and the answer shows that one.
    sends = [p for p in reporter.posts if p["path"] == "/anonymous/"]
    assert [p["form"]["receipt"] for p in sends] == [[receipt], [receipt]]
    assert AnonymousReport.objects.count() == 1
    report = AnonymousReport.objects.get()
    assert report.what_happened == STORY and report.language == language

    # Follow it with the receipt, and write to the people handling it.
    with page.expect_navigation():
        page.click("a[href='/anonymous/status/']")
    page.fill("#id_receipt", receipt)
    reporter.submit("form.anon-form")
    assert page.locator("dd.stage").inner_text().startswith(RECEIVED[language] + " (")
    page.fill("#id_body", "He is still there every Tuesday.")
    reporter.submit("form.anon-form")
    assert _t(language, "Your message was sent.") in page.locator("main").inner_text()
    reporter.landed(shots, "3-status")

    # Nothing goes as referrer to another site: the same server under its other loopback
    # name is another origin (and another site).
    host = urlsplit(base).hostname
    elsewhere = base.replace(host or "", "127.0.0.1" if host == "localhost" else "localhost")
    assert elsewhere != base
    sent_elsewhere: list[dict[str, str]] = []
    page.on(
        "request",
        lambda r: (
            sent_elsewhere.append(r.all_headers())
            if r.url.startswith(elsewhere) and r.is_navigation_request()
            else None
        ),
    )
    page.evaluate(
        """(href) => { const a = document.createElement("a"); a.href = href;
        a.textContent = "elsewhere"; document.querySelector("main").append(a); }""",
        f"{elsewhere}/anonymous/status/",
    )
    with page.expect_navigation():
        page.click("text=elsewhere")
    assert sent_elsewhere and all("referer" not in h for h in sent_elsewhere), sent_elsewhere
    assert page.evaluate("() => document.referrer") == ""

    # The handler: an investigator of the receiving organisation, in their language.
    handler = Watched(browser, base, viewport, first)
    desk = handler.page
    desk.goto("/login/")
    desk.fill("#id_username", "investigator")
    desk.fill("#id_password", demo_password())
    handler.submit("main")
    if desk.is_visible("label[for=menu-toggle]"):  # the phone's menu button
        desk.click("label[for=menu-toggle]")
    with desk.expect_navigation():
        desk.click("nav.menu a[href='/anonymous/queue/']")
    handler.landed(shots, "4-queue")
    with desk.expect_navigation():
        desk.click(f"table a[href='/anonymous/queue/{report.pk}/']")
    handler.switch_language(language)
    main = desk.locator("main").inner_text()
    assert STORY in main and "He is still there every Tuesday." in main
    handler.landed(shots, "5-detail")
    desk.fill("#id_body", "Thank you. We have opened an inquiry.")
    handler.submit("form[action$='/reply/']")
    assert _t(language, "Reply sent. The reporter sees it with their receipt.") in (
        desk.locator("main").inner_text()
    )
    desk.select_option("#id_stage", Stage.ACTED_ON)
    handler.submit("form[action$='/stage/']")
    assert _t(language, "Stage changed.") in desk.locator("main").inner_text()
    handler.submit("form[action$='/incident/']")
    report.refresh_from_db()
    assert report.stage == Stage.ACTED_ON and report.incident_id is not None
    assert desk.url == f"{base}/incidents/{report.incident_id}/"
    incident = Incident.objects.get(pk=report.incident_id)
    assert incident.narrative == STORY and incident.domain == "seah"
    handler.landed(shots, "6-incident")

    # The reporter comes back, reads the reply and sees the stage.
    page.goto("/anonymous/status/")
    page.fill("#id_receipt", receipt.lower())
    reporter.submit("form.anon-form")
    assert page.locator("dd.stage").inner_text().startswith(ACTED_ON[language] + " (")
    assert "Thank you. We have opened an inquiry." in page.locator("ol.thread").inner_text()
    reporter.landed(shots, "7-reply")

    # Every form post carried the page's own origin (Django's CSRF check compares it).
    for who in (reporter, handler):
        assert who.posts, "no form was posted"
        for post in who.posts:
            assert post.get("origin") == base, post
    assert AnonymousReport.objects.count() == 1
    # No cookie on the reporter's device outlives the browser session.
    cookies = reporter.context.cookies()
    assert {c["name"] for c in cookies} >= {"csrftoken", "django_language"}
    assert [c for c in cookies if c["expires"] != -1] == []
    reporter.clean()
    handler.clean()
    reporter.context.close()
    handler.context.close()


def test_the_report_page_works_without_script(
    transactional_db: Any, live_server: Any, receiving: Any, browser: Any
) -> None:
    """Script off: the page sends no receipt of its own and the server draws it."""
    from ulinzi.intake.anonymous.models import AnonymousReport

    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    bodies: list[str] = []
    page.on("request", lambda r: bodies.append(r.post_data or "") if r.method == "POST" else None)
    page.goto("/anonymous/")
    page.check("input[name=category][value=protection]")
    page.select_option("#id_country", "SDN")
    page.fill("#id_occurred_on", "2025-02")
    page.fill("#id_what_happened", STORY)
    with page.expect_navigation():
        page.click("form.anon-form button[type=submit]")
    receipt = page.locator("p.receipt").get_attribute("aria-label") or ""
    assert len(receipt) == 24, receipt
    assert len(bodies) == 1 and "receipt=&" in bodies[0]
    assert AnonymousReport.objects.get().category == "protection"
    context.close()
