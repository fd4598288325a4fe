"""Conflict-related sexual violence is one record, filtered as such: the publisher's
sexual-violence file says for each report whether it is CRSV (its "SV Context" column).
Each report is imported once, into GBV, and the CRSV ones carry the cause "armed
conflict", so the list's filters (domain GBV, cause armed conflict) give exactly them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ulinzi.cli import main
from ulinzi.incidents.models import Incident

pytestmark = pytest.mark.django_db

FILE = Path(__file__).resolve().parent / "fixtures" / "insecurity_insight_crsv_2024.xlsx"


def _crsv_ids() -> tuple[set[str], int]:
    """The file's own answer: the event ids its "SV Context" calls CRSV, and its rows."""
    sheet = openpyxl.load_workbook(FILE, read_only=True).worksheets[0]
    rows = [r for r in sheet.iter_rows(values_only=True) if any(c is not None for c in r)]
    header = [str(c).strip() if c else "" for c in rows[0]]
    context, event = header.index("SV Context"), header.index("SIND Event ID")
    crsv = {str(r[event]) for r in rows[1:] if str(r[context] or "").strip() == "CRSV"}
    return crsv, len(rows) - 1


def test_crsv_reports_are_imported_once_and_filtered_by_cause(org: Any, capsys: Any) -> None:
    from ulinzi.incidents.filters import IncidentFilters
    from ulinzi.incidents.selectors import apply_filters

    crsv, rows = _crsv_ids()
    assert crsv and len(crsv) < rows  # the file holds CRSV and other sexual violence
    assert main(["import", str(FILE), "--org", org.code, "--no-progress"]) == 0
    capsys.readouterr()
    stored = Incident.objects.filter(organisation=org)
    assert stored.count() == rows and set(stored.values_list("domain", flat=True)) == {"gbv"}
    conflict = apply_filters(stored, IncidentFilters(domain="gbv", cause="armed_conflict"))
    assert {i.event_id or i.source_id for i in conflict} == crsv
    # The publisher's other contexts are its reports it does not class as CRSV.
    assert set(stored.exclude(pk__in=conflict).values_list("cause", flat=True)) == {"other"}
