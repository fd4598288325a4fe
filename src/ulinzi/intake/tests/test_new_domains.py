"""Education, aid worker security and food security land in their own domains; victims
beyond the count fields (students, educators, aid workers, survivors) are stored by group,
sex and age; the publisher's JSON API reads like its spreadsheets. Expected figures are
computed here from the files (json, openpyxl), not by the importer.

Fixtures: the food-security JSON as published; the first 60 records of the aid-worker
JSON plus those whose event ids appear in the health-care or explosive-weapons samples.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ulinzi.accounts.models import Organisation
from ulinzi.common.problems import InvalidInput
from ulinzi.incidents import validation
from ulinzi.incidents.models import Incident
from ulinzi.incidents.victims import total
from ulinzi.intake.services import run_import

FIXTURES = Path(__file__).resolve().parent / "fixtures"
AID = FIXTURES / "insecurity_insight_api_aidWorkerKIKA_sample.json"
FOOD_JSON = FIXTURES / "insecurity_insight_api_foodSecurity.json"
FOOD = FIXTURES / "insecurity_insight_food_security_2020_2024.xlsx"
EWM = FIXTURES / "insecurity_insight_explosive_weapons_sample.xlsx"
CRSV = FIXTURES / "insecurity_insight_crsv_2024.xlsx"

pytestmark = pytest.mark.django_db


def _import(path: Path, **kw: Any) -> Any:
    return run_import(
        organisation=Organisation.objects.get(code="partner"), path=path, progress=False, **kw
    )


def _n(value: Any) -> int:
    return int(float(value or 0))


def _sheet(path: Path, tag_row: bool) -> list[dict[str, Any]]:
    rows = openpyxl.load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(rows)]
    if tag_row:
        next(rows)
    return [dict(zip(header, r, strict=False)) for r in rows if any(c is not None for c in r)]


def test_aid_worker_json_imports_like_a_spreadsheet(org: Any) -> None:
    records = json.loads(AID.read_text(encoding="utf-8"))
    result = _import(AID)
    assert (result.fmt, result.dataset) == (
        "json-table",
        "insecurity-insight-aidworkerkika-incidents",
    )
    assert (result.created, result.rejected) == (len(records), 0)
    stored = {i.source_id: i for i in Incident.objects.all()}
    assert set(stored) == {str(r["SiND Event ID"]) for r in records}
    assert {i.domain for i in stored.values()} == {"aid_security"}
    for record in records:
        incident = stored[str(record["SiND Event ID"])]
        assert incident.raw_source == record  # the record as sent
        assert incident.event_id == str(record["SiND Event ID"])
        assert incident.country == record["Country ISO"]
        # Aid workers are the only people the file counts: their counts are the totals.
        assert (incident.killed or 0) == _n(record["Aid Workers Killed"])
        assert (incident.abducted or 0) == _n(record["Aid Workers Kidnapped"])
        v = incident.victims
        assert (total(v, "aid_workers_national", "killed") or 0) == _n(
            record["National Aid Workers Killed"]
        )
        assert (total(v, "aid_workers_international", "injured") or 0) == _n(
            record["International Aid Workers Injured"]
        )
        female = [x for x in v if x.get("sex") == "female" and x["kind"] == "killed"]
        assert sum(x["count"] for x in female) == _n(record["Female Aid Workers Killed"])
    by_country = Counter[str]()
    for record in records:
        by_country[record["Country ISO"]] += _n(record["Aid Workers Killed"])
    got = Counter[str]()
    for incident in stored.values():
        got[incident.country] += incident.killed or 0
    assert got == by_country and sum(got.values()) > 0
    again = _import(AID)
    assert (again.created, again.updated, again.held, again.unchanged) == (0, 0, 0, len(records))


def test_food_security_json_and_workbook_are_one_dataset(org: Any) -> None:
    records = json.loads(FOOD_JSON.read_text(encoding="utf-8"))
    sheet = _sheet(FOOD, tag_row=False)
    result = _import(FOOD_JSON)
    assert (result.created, result.rejected) == (len(records), 0)
    workbook = _import(FOOD)
    assert workbook.dataset == result.dataset == "insecurity-insight-foodsecurity-incidents"
    shared = {str(r["SiND Event ID"]) for r in records} & {str(r["SiND Event ID"]) for r in sheet}
    assert workbook.created == len(sheet) - len(shared)
    assert Incident.objects.count() == len({str(r["SiND Event ID"]) for r in records + sheet})
    assert set(Incident.objects.values_list("domain", flat=True)) == {"food_security"}


def test_students_educators_and_aid_workers_of_the_explosive_file(org: Any) -> None:
    rows = _sheet(EWM, tag_row=True)
    _import(EWM)
    stored = {i.source_id: i for i in Incident.objects.all()}
    for group, column in (
        ("students", "Students Killed"),
        ("educators", "Educators Killed"),
        ("aid_workers", "Aid Workers Killed"),
        ("aid_health_workers", "Aid Health Workers Killed"),
    ):
        expected = sum(_n(r[column]) for r in rows)
        got = sum(total(i.victims, group, "killed") or 0 for i in stored.values())
        assert got == expected, group
    education = [r for r in rows if str(r["Sector Affected"]).startswith("Education")]
    assert sum(1 for i in stored.values() if i.domain == "education_attack") == len(education)
    # Several groups that may overlap: no total killed is made up.
    assert not any(i.killed is not None for i in stored.values())


def test_survivors_of_sexual_violence_by_sex_and_age(org: Any) -> None:
    rows = _sheet(CRSV, tag_row=False)
    _import(CRSV)
    stored = {str(i.source_id): i for i in Incident.objects.all()}
    sexes = {"Female": "female", "Male": "male"}
    ages = {"Adult,": "adult", "Minor,": "child"}
    counts: Counter[tuple[str, str]] = Counter()
    for row in rows:
        sex = sexes.get(str(row["Survivor Or Victim Sex"]).strip(), "unknown")
        age = ages.get(str(row["Adult or Minor"]).strip(), "unknown")
        counts[(sex, age)] += _n(row["Number of Reported Victims"])
    got: Counter[tuple[str, str]] = Counter()
    for incident in stored.values():
        for item in incident.victims:
            if item["kind"] == "affected":
                got[(item["sex"], item["age"])] += item["count"]
    assert got == counts and counts[("female", "child")] > 0
    deaths = sum(_n(r["Reported Deaths Following the Sexual Violence"]) for r in rows)
    assert sum(i.killed or 0 for i in stored.values()) == deaths > 0


def test_victim_counts_are_validated() -> None:
    base = {"domain": "education_attack", "occurred_on": "2024-01-02", "country": "UKR"}
    good = validation.clean(
        {**base, "victims": [{"group": "students", "kind": "killed", "count": 3, "sex": "female"}]}
    )
    assert good["victims"] == [{"group": "students", "kind": "killed", "sex": "female", "count": 3}]
    for bad, word in (
        ([{"group": "martians", "kind": "killed", "count": 1}], "victim_group"),
        ([{"group": "students", "kind": "eaten", "count": 1}], "kind"),
        ([{"group": "students", "kind": "killed", "count": -1}], "count"),
        ([{"group": "students", "kind": "killed", "count": 1, "age": "old"}], "age"),
        ([{"group": "students", "kind": "killed", "count": 1}] * 2, "second time"),
        ("three", "list"),
    ):
        with pytest.raises(InvalidInput) as caught:
            validation.clean({**base, "victims": bad})
        (problem,) = caught.value.problems
        assert problem.field == "victims" and word in problem.message


def test_a_place_outside_iso_3166_is_kept_with_its_code() -> None:
    base = {"domain": "health_care_attack", "occurred_on": "2023-09-20"}
    assert validation.clean({**base, "country": "XNK"})["country"] == "XNK"
    with pytest.raises(InvalidInput):
        validation.clean({**base, "country": "XXX"})
