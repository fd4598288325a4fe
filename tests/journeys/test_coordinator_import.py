"""Journey 4: a coordinator uploads a partner's file, reads the preview, imports it and
sees the real worker finish the import, with its rejected rows; then opens the
dashboard, the vulnerable areas, makes a public export and downloads the situation
report as PDF."""

from __future__ import annotations

import csv
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.journeys.person import Person, t

pytestmark = pytest.mark.e2e
HEADER = [
    ["Event ID", "Date", "Country ISO", "Admin 1", "Type", "Killed", "Injured", "Description"],
    ["#meta+id", "#date+occurred", "#country+code", "#adm1+name", "#event+type",
     "#affected+killed", "#affected+injured", "#description"],
]  # fmt: skip
ROWS = 12
BAD = {4: ("Country ISO", "Atlantis"), 9: ("Date", "2023-13-45")}  # index in ROWS


def _domain(language: str, code: str) -> str:
    from django.utils import translation

    from ulinzi.vocab import registry

    with translation.override(language):
        return registry.label("domain", code)


def _partner_file(folder: Path, batch: str) -> Path:
    rows = []
    for i in range(ROWS):
        row = [
            f"EV-{batch}-{i:03d}",
            f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
            ("UKR", "SDN", "COD")[i % 3],
            f"Province {i % 4}",
            ("Setting fire", "Violence with heavy weapons", "Obstruction to health care")[i % 3],
            i % 3,
            i % 4,
            f"Incident {i} of batch {batch}.",
        ]
        if i in BAD:
            column, value = BAD[i]
            row[HEADER[0].index(column)] = value
        rows.append(row)
    path = folder / f"partner-{batch}.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([*HEADER, *rows])
    return path


def test_coordinator_import(
    person: Callable[[str], Person], walk: tuple[str, str], tmp_path: Path
) -> None:
    language = walk[1]
    coordinator = person("coordinator")
    page = coordinator.page
    coordinator.sign_in("coordinator")
    assert page.url.endswith("/analysis/"), page.url
    coordinator.land("1-dashboard")

    coordinator.menu("/imports/")
    coordinator.land("2-upload")
    page.set_input_files("#id_file", str(_partner_file(tmp_path, secrets.token_hex(3))))
    page.select_option("#id_domain", "health_care_attack")
    coordinator.submit("form.record-form button[type=submit]")
    assert page.locator("table.preview-rows tbody tr").count() == 10
    assert "Atlantis" in page.inner_text("table.preview-problems")
    coordinator.land("3-preview")
    coordinator.submit("form[action$='/imports/confirm/'] button[type=submit]")
    # The worker runs it; the page follows without a reload.
    done = t(language, "Done")
    page.wait_for_selector(f'[data-field="status_label"]:text-is("{done}")', timeout=90_000)
    assert page.inner_text('[data-field="imported"]') == str(ROWS - len(BAD))
    assert page.inner_text('[data-field="rejected"]') == str(len(BAD))
    coordinator.land("4-import-done")
    with page.expect_download() as download:
        page.click('[data-when="done"] a')
    rejects = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Atlantis" in rejects and "2023-13-45" in rejects

    coordinator.menu("/analysis/")
    coordinator.land("5-dashboard")
    page.goto("/analysis/areas/")
    coordinator.land("6-areas")

    page.goto("/reports/export/")
    coordinator.land("7-export-form")
    page.select_option("#id_level", "public")
    page.select_option("#id_domain", "health_care_attack")
    coordinator.submit("form.export-form button[type=submit]")
    assert "/reports/export/" in page.url
    # The filters in words ("domain=health_care_attack" before).
    filters = f"{t(language, 'Domain')}: {_domain(language, 'health_care_attack')}"
    assert filters in coordinator.land("8-export")
    with page.expect_download() as download:
        page.click(f"a.button:text-is('{t(language, 'Download')}')")
    assert Path(download.value.path()).stat().st_size > 0

    page.goto("/reports/situation/")
    coordinator.land("9-situation")
    with page.expect_download() as download:
        page.click(f"a.button:text-is('{t(language, 'Download as PDF')}')")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
