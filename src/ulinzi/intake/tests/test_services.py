"""The entry points of imports: a dry run is asked for, and given where its rejects go."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ulinzi.incidents.models import Incident
from ulinzi.intake import rejects
from ulinzi.intake.imports import ImportFailed
from ulinzi.intake.models import ImportRun
from ulinzi.intake.services import dry_run_csv, run_import

from .conftest import HXL_HEADER, hxl_rows

pytestmark = pytest.mark.django_db


def test_a_dry_run_sends_its_rejects_to_the_sink_it_is_given(org: Any, write_csv: Any) -> None:
    rows = hxl_rows(4)
    rows[1][2] = "Atlantis"  # file row 4
    path = write_csv("dry.csv", [*HXL_HEADER, *rows])
    kept = rejects.KeptRejects()
    result = run_import(
        organisation=org, path=path, domain="health_care_attack", dry_run=True, sink=kept,
        progress=False,
    )  # fmt: skip
    assert (result.created, result.rejected, result.rejects_path) == (3, 1, None)
    assert [(r.row, r.value) for r in kept.items] == [(4, "Atlantis")]
    assert not Incident.objects.exists() and not ImportRun.objects.exists()


@pytest.mark.parametrize("dry_run", [True, False])
def test_only_a_dry_run_has_a_sink(org: Any, write_csv: Any, dry_run: bool) -> None:
    path = write_csv("a.csv", [*HXL_HEADER, *hxl_rows(4)])
    sink = None if dry_run else rejects.KeptRejects()
    with pytest.raises(ValueError, match="only a dry run"):
        run_import(organisation=org, path=path, dry_run=dry_run, sink=sink, progress=False)
    assert not Incident.objects.exists() and not ImportRun.objects.exists()


def test_a_dry_run_of_a_file_that_cannot_be_opened_leaves_no_rejects(
    org: Any, tmp_path: Path, settings: Any
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(ImportFailed):
        run_import(
            organisation=org, path=path, dry_run=True, sink=dry_run_csv(path), progress=False
        )
    assert list((settings.DATA_DIR / "imports").iterdir()) == []
