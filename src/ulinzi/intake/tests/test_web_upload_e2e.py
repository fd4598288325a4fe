"""End to end in headless Chromium: a monitor uploads a file, reads the preview, imports
it, and the run's page follows the background import to its end without a reload."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from .conftest import HXL_HEADER, hxl_rows
from .uploading import drain

pytestmark = pytest.mark.e2e


def test_upload_preview_import_and_follow(
    demo_orgs: Any, live_server: Any, browser: Any, tmp_path: Path
) -> None:
    from ulinzi.demo.organisations import demo_password
    from ulinzi.incidents.models import Incident
    from ulinzi.intake.models import ImportRun

    rows = hxl_rows(25)
    rows[6][2] = "Atlantis"  # file row 9
    path = tmp_path / "partner.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([*HXL_HEADER, *rows])

    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto("/login/?next=/imports/")
    page.fill("#id_username", "monitor")
    page.fill("#id_password", demo_password())
    page.click("button[type=submit]")
    page.wait_for_url("**/imports/")
    page.set_input_files("#id_file", str(path))
    page.select_option("#id_domain", "health_care_attack")
    page.click("form.record-form button[type=submit]")
    page.wait_for_selector("table.preview-rows")
    assert page.locator("table.preview-rows tbody tr").count() == 10
    assert "Atlantis" in page.inner_text("table.preview-problems")
    assert not Incident.objects.exists()

    page.click("text=Import the whole file")
    page.wait_for_url("**/imports/*/")
    run = ImportRun.objects.get()
    assert run.status == "queued"
    assert page.inner_text('[data-field="status_label"]') == "Queued"
    assert page.locator('[data-when="done"]').is_hidden()

    assert drain() == 1  # the worker's part, while the page is open
    page.wait_for_selector('[data-field="status_label"]:text("Done")')
    assert page.inner_text('[data-field="imported"]') == "24"
    assert page.inner_text('[data-field="rejected"]') == "1"
    link = page.locator('[data-when="done"] a')
    assert link.is_visible() and link.get_attribute("href") == f"/imports/{run.pk}/rejects.csv"
    with page.expect_download() as download:
        link.click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "9,Country ISO,Atlantis" in text
    assert Incident.objects.count() == 24
    context.close()
