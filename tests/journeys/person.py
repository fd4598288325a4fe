"""One person in a browser: a Chromium context of the journey's screen and language,
with everything that went wrong written down, and the checks made on each page they
land on (fits the phone, no raw vocabulary code, right language) with a screenshot."""

from __future__ import annotations

import hashlib
import hmac
import re
import struct
import time
from functools import cache
from typing import Any

from django.utils import translation

from tests.journeys.site import Site

SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
PASSWORD = "ulinzi-demo"
RECEIPT = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}")
TIMEOUT_MS = 30_000


def t(language: str, text: str) -> str:
    """``text`` as the pages show it in ``language``."""
    with translation.override(language):
        return translation.gettext(text)


@cache
def raw_codes() -> re.Pattern[str]:
    """Codes of every vocabulary (files and model choices) that no one would write as
    words: those with an underscore."""
    from ulinzi.vocab import registry

    codes = {c for codes in registry.all_codes().values() for c in codes if "_" in c}
    alternatives = "|".join(sorted(map(re.escape, codes), key=len, reverse=True))
    return re.compile(rf"(?<![\w/.-])({alternatives})(?![\w/-])")


def totp(secret: str, step: int) -> str:
    """The RFC 6238 code of a base-32 ``secret`` at time ``step`` (what the app shows)."""
    from base64 import b32decode

    key = b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


# What the visible text boxes hold (a code put there by the page is read as text too).
FILLED = """() => [...document.querySelectorAll(
    'input:is([type=text], [type=search], :not([type])), textarea')]
  .filter(e => e.offsetParent !== null).map(e => e.value).join('\\n')"""


# The innermost elements that reach past the screen's edge (what makes a page too wide).
WIDEST = """(width) => {
  const out = e => { const r = e.getBoundingClientRect(); return r.right > width || r.left < 0; };
  const scrolled = e => { for (let a = e.parentElement; a; a = a.parentElement) {
    if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return true; }
    return false; };
  return [...document.body.querySelectorAll('*')].filter(e => out(e) && !scrolled(e))
  .filter(e => ![...e.children].some(c => out(c) && !scrolled(c)))
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '')
    + ' "' + (e.innerText || '').slice(0, 60) + '"'); }"""


class Person:
    """A person in their own browser context; ``expect()`` names the refusals the
    journey means to meet (status, path part); any other 4xx/5xx is a failure."""

    def __init__(self, browser: Any, site: Site, screen: str, language: str, name: str):
        self.site, self.screen, self.language, self.name = site, screen, language, name
        self.viewport = SCREENS[screen]
        self.context = browser.new_context(
            base_url=site.url, viewport=self.viewport, locale=language, accept_downloads=True
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.refused: list[str] = []
        self.expected: list[tuple[int, str]] = []
        self.met: list[tuple[int, str]] = []
        self.seen: list[str] = []
        self.watch(self.page)

    def watch(self, page: Any) -> None:
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: page error: {exc}"))
        page.on("console", lambda msg: self._console(page, msg))
        page.on("response", self._response)

    def _console(self, page: Any, msg: Any) -> None:
        if msg.type == "error" and not self._expected_text(msg.text):
            self.errors.append(f"{page.url}: console: {msg.text}")

    def _expected_text(self, text: str) -> bool:
        # Chromium logs each refused answer on the console too.
        return "Failed to load resource" in text and any(
            f"status of {status}" in text for status, _ in self.expected + self.met
        )

    def _response(self, response: Any) -> None:
        if response.status < 400:
            return
        for n, (status, part) in enumerate(self.expected):
            if response.status == status and part in response.url:
                self.met.append(self.expected.pop(n))
                return
        self.refused.append(f"{response.status} {response.request.method} {response.url}")

    def expect(self, status: int, part: str) -> None:
        self.expected.append((status, part))

    # ------------------------------------------------------------------ checks

    def land(self, shot: str) -> str:
        """Check the page now shown; keep a screenshot; its visible text."""
        page = self.page
        page.wait_for_load_state()
        html = page.locator("html")
        lang = html.get_attribute("lang")
        assert lang == self.language, f"{shot}: {page.url} in {lang}, not {self.language}"
        assert html.get_attribute("dir") == ("rtl" if self.language == "ar" else "ltr"), shot
        width = int(page.evaluate("() => document.documentElement.scrollWidth"))
        assert width <= self.viewport["width"], (
            f"{shot}: {page.url} is {width}px wide: {page.evaluate(WIDEST, self.viewport['width'])}"
        )
        text = str(page.evaluate("() => document.body.innerText"))
        codes = sorted(set(raw_codes().findall(text + "\n" + page.evaluate(FILLED))))
        assert not codes, f"{shot}: {page.url} shows codes {codes}"
        self.seen.append(page.url)
        path = self.site.shots / f"{self.name}-{self.screen}-{self.language}-{shot}.png"
        page.screenshot(path=str(path), full_page=True)
        return text

    def main_text(self) -> str:
        return str(self.page.locator("main").inner_text())

    def clean(self) -> None:
        """No page or console error, no refusal the journey did not expect."""
        assert self.errors == [], self.errors
        assert self.refused == [], self.refused
        assert self.expected == [], f"expected refusals that did not come: {self.expected}"

    def close(self) -> None:
        self.context.close()

    # ------------------------------------------------------------------ acts

    def submit(self, selector: str) -> None:
        """Press ``selector`` (a submit button) and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.click(selector)

    def choose(self, selector: str, value: str) -> None:
        """Pick ``value`` in a list, or type it where the page asks for it as text."""
        field = self.page.locator(selector)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)

    def menu(self, href: str) -> None:
        """Open ``href`` from the top menu (behind its button on a phone)."""
        toggle = self.page.locator("label[for=menu-toggle]")
        if toggle.is_visible():
            toggle.click()
        with self.page.expect_navigation():
            self.page.click(f"#main-menu a[href='{href}']")

    def report_anonymously(
        self, place: str, when: str, story: str, *, double_click: bool = False
    ) -> str:
        """On the anonymous report form shown, report sexual exploitation in Ukraine
        (``place``, month ``when``, ``story``), send it (twice, fast, with
        ``double_click``) and read the receipt the page gives."""
        page = self.page
        page.check("input[name=category][value=seah]")
        page.select_option("#id_country", "UKR")
        page.fill("#id_admin1_name", place)
        page.fill("#id_occurred_on", when)
        page.fill("#id_what_happened", story)
        if double_click:
            page.dblclick("form.anon-form button[type=submit]")
        else:
            self.submit("form.anon-form button[type=submit]")
        page.wait_for_selector("p.receipt")
        receipt = page.locator("p.receipt").get_attribute("aria-label") or ""
        assert RECEIPT.fullmatch(receipt), receipt
        return receipt

    def sign_in(self, username: str, next_path: str = "") -> None:
        """Password, then (roles that see cases) the code of the authenticator app,
        enrolling it on the first sign-in."""
        page = self.page
        page.goto("/login/" + (f"?next={next_path}" if next_path else ""))
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        self.submit("main button[type=submit]")
        if "/account/2fa/setup/" in page.url:
            self.site.secrets[username] = page.locator("#totp-secret").inner_text().strip()
        if "/account/2fa/" in page.url:
            page.fill("#code", self._next_code(username))
            self.submit("main button[type=submit]")
            assert "/account/2fa/" not in page.url, f"{username}: the code was refused"

    def _next_code(self, username: str) -> str:
        """A code not used before (a used one is refused), waiting for the next one if
        both the current and the next step were used."""
        while True:
            now = int(time.time()) // 30
            step = max(now, self.site.last_step.get(username, -1) + 1)
            if step <= now + 1:
                self.site.last_step[username] = step
                return totp(self.site.secrets[username], step)
            time.sleep(1)
