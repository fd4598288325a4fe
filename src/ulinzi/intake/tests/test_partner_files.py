"""Other real files of Insecurity Insight, imported as a new user would (no mapping):
each row lands in the domain its data states, an unknown optional value costs no row,
and the expected figures are computed here from the files with openpyxl.

Fixtures (``fixtures/``): the CRSV and food-security workbooks as published; the first
400 rows of the explosive-weapons workbook and the first 300 of the interactive-map
workbook (header and tag rows included, cells unchanged).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ulinzi.accounts.models import Organisation
from ulinzi.incidents.models import Incident
from ulinzi.intake.imports import ImportFailed
from ulinzi.intake.services import run_import

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EWM = FIXTURES / "insecurity_insight_explosive_weapons_sample.xlsx"
CRSV = FIXTURES / "insecurity_insight_crsv_2024.xlsx"
FOOD = FIXTURES / "insecurity_insight_food_security_2020_2024.xlsx"
MAP = FIXTURES / "insecurity_insight_health_care_interactive_map_sample.xlsx"
# The sectors of the explosive-weapons file and the domains that record them.
SECTORS = {
    "health care": "health_care_attack",
    "protection": "protection",
    "education": "education_attack",
    "aid operations": "aid_security",
    "food security": "food_security",
}

pytestmark = pytest.mark.django_db


def _sheet(path: Path, tag_row: bool) -> list[dict[str, Any]]:
    rows = openpyxl.load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(rows)]
    if tag_row:
        next(rows)
    return [
        dict(zip(header, r, strict=False))
        for r in rows
        if any(c is not None and str(c).strip() for c in r)
    ]


def _import(path: Path, **kw: Any) -> Any:
    return run_import(
        organisation=Organisation.objects.get(code="partner"), path=path, progress=False, **kw
    )


def _domains() -> Counter[str]:
    return Counter(Incident.objects.values_list("domain", flat=True))


def test_a_sector_column_puts_each_row_in_its_own_domain(org: Any) -> None:
    rows = _sheet(EWM, tag_row=True)
    expected: dict[str, str] = {}
    for row in rows:
        first = str(row["Sector Affected"] or "").split(",")[0].strip().lower()
        expected[str(row["SiND Event ID"])] = SECTORS[first]
    assert len(expected) == len(rows)  # one row per event id in this sample
    assert {"education_attack", "aid_security"} <= set(expected.values())
    result = _import(EWM)
    assert (result.created, result.rejected) == (len(rows), 0)
    assert _domains() == Counter(expected.values())
    assert {i.source_id: i.domain for i in Incident.objects.all()} == expected
    # Health workers killed are stored; the file also counts students, educators and aid
    # workers, which have no field: no total "killed" is made up from one group.
    stored = sum(i.killed_health_workers or 0 for i in Incident.objects.all())
    assert stored == sum(int(r["Health Workers Killed"] or 0) for r in rows)
    assert not Incident.objects.filter(killed__isnull=False).exists()


def test_sexual_violence_file_is_gbv_and_keeps_every_row(org: Any) -> None:
    rows = _sheet(CRSV, tag_row=False)
    result = _import(CRSV)
    assert (result.created, result.rejected) == (len(rows), 0)
    assert _domains() == Counter({"gbv": len(rows)})
    plan = "\n".join(result.plan)
    assert "domain gbv for every row: column 'Location Where Sexual Violence Was Committed'" in plan
    censored = sum(1 for r in rows if r["Geo Precision"] == "censored")
    assert censored > 0
    # A place the publisher withheld is kept with its precision unknown.
    assert Incident.objects.filter(geo_precision="unknown").count() == censored
    # Every spelling of the file is known (aliases in the vocabulary data).
    assert not result.kept
    given = sum(1 for r in rows if str(r["Reported Perpetrator"] or "").strip())
    assert Incident.objects.exclude(perpetrator="").count() == given


def test_the_food_security_file_says_its_own_domain(org: Any) -> None:
    rows = _sheet(FOOD, tag_row=False)
    result = _import(FOOD)  # "Weapon Carried/Used" is no reason to call it health care
    assert (result.created, result.rejected) == (len(rows), 0)
    assert _domains() == Counter({"food_security": len(rows)})
    assert "domain food_security for every row: column 'FoodSecurity' says so" in "\n".join(
        result.plan
    )
    spellings = {k[1] for k in result.kept if k[0] == "Reported Perpetrator"}
    assert not spellings  # "Foreign Forces - Military", "Host Government: Military" known


def test_a_file_that_does_not_say_its_domain_asks_for_it(org: Any, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(FOOD)
    book.worksheets[0].delete_cols(
        [c.value for c in book.worksheets[0][1]].index("FoodSecurity") + 1
    )
    path = tmp_path / "no_flag.xlsx"
    book.save(path)
    with pytest.raises(ImportFailed, match="no column gives the domain of the incidents: pass"):
        _import(path)
    assert not Incident.objects.exists()
    result = _import(path, domain="protection")
    assert result.rejected == 0 and _domains() == Counter({"protection": result.created})


def test_interactive_map_layout_reads_its_own_spellings(org: Any) -> None:
    rows = _sheet(MAP, tag_row=True)
    with_country = [r for r in rows if str(r["ISO3 codes"] or "").strip()]
    result = _import(MAP)
    assert (result.created, result.rejected) == (len(with_country), len(rows) - len(with_country))
    assert _domains() == Counter({"health_care_attack": len(with_country)})
    assert not result.kept  # perpetrators ("State military", …) and context flags understood
    conflict = sum(1 for r in with_country if r["Conflict Related Violence"] == "ConflictEvent")
    assert Incident.objects.filter(cause="armed_conflict").count() == conflict
    perpetrators = sum(1 for r in with_country if str(r["Perpetrator"] or "").strip())
    assert Incident.objects.exclude(perpetrator="").count() == perpetrators
