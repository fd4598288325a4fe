"""Fixtures of the journeys: one site (server, worker, database) and one Chromium for
the whole session; each journey runs on a phone and a desktop, in English and Arabic.

Needs Debian's ``chromium`` at /usr/bin/chromium (driven by Playwright). Without it the
journeys are skipped, except with ``CI=true`` where its absence is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS

from tests.journeys import site as sites
from tests.journeys.person import Person

# (screen, language) of each walk of a journey. `make test` runs the suite on SQLite and
# on PostgreSQL side by side; to stay in its time budget each database walks one screen
# (SQLite: a phone in Arabic, right to left and the narrowest; PostgreSQL: a desktop in
# English), so every journey runs on both databases and on both screens and languages.
# ULINZI_JOURNEYS=both walks both on each database; ULINZI_JOURNEYS=all walks all four.
ALL_WALKS = [("phone", "en"), ("phone", "ar"), ("desktop", "en"), ("desktop", "ar")]
_ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
WALKS = {
    "all": ALL_WALKS,
    "both": [ALL_WALKS[1], ALL_WALKS[2]],
}.get(os.environ.get("ULINZI_JOURNEYS", ""), [ALL_WALKS[2] if _ON_POSTGRES else ALL_WALKS[1]])


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        _unavailable(f"no Chromium at {CHROMIUM}: install Debian's 'chromium' package")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the 'playwright' Python package is not installed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def site() -> Iterator[sites.Site]:
    from django.conf import settings

    running = sites.start(Path(settings.DATA_DIR) / "journeys")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(params=WALKS, ids=[f"{s}-{lang}" for s, lang in WALKS])
def walk(request: pytest.FixtureRequest) -> tuple[str, str]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def person(
    chromium: Any, site: sites.Site, walk: tuple[str, str], request: pytest.FixtureRequest
) -> Iterator[Callable[[str], Person]]:
    """``person("monitor")`` → a new browser context on this walk's screen and language
    (not signed in); each is checked clean and closed at the end of the test."""
    screen, language = walk
    people: list[Person] = []
    journey = request.node.originalname.removeprefix("test_")

    def make(name: str) -> Person:
        people.append(Person(chromium, site, screen, language, f"{journey}-{name}"))
        return people[-1]

    yield make
    try:
        for one in people:
            one.clean()
    finally:
        for one in people:
            one.close()
