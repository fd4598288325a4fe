"""Identity: source ids are unique within a dataset of the organisation, so the files of
one publisher (which reuses its SiND event ids across its datasets) never overwrite one
another; the event id is kept for linkage; a re-import that rewrites a record is held
until confirmed, and the previous version stays whole in the history.

Fixtures: samples of the real files (``fixtures/``, see test_partner_files): the
health-care sample holds the rows of the health-care workbook whose event ids appear in
the explosive-weapons sample, the food-security file or the first interactive-map rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ulinzi.accounts.models import Organisation
from ulinzi.incidents.models import Incident, IncidentChange
from ulinzi.intake.preview import preview_file
from ulinzi.intake.services import run_import

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HC = FIXTURES / "insecurity_insight_attacks_on_health_care_sample.xlsx"
EWM = FIXTURES / "insecurity_insight_explosive_weapons_sample.xlsx"
CRSV = FIXTURES / "insecurity_insight_crsv_2024.xlsx"
FOOD = FIXTURES / "insecurity_insight_food_security_2020_2024.xlsx"
MAP = FIXTURES / "insecurity_insight_health_care_interactive_map_sample.xlsx"
DATASETS = {
    HC: "insecurity-insight-healthcare-incidents",
    MAP: "insecurity-insight-healthcare-incidents",
    EWM: "insecurity-insight-explosive-incidents",
    CRSV: "insecurity-insight-crsv-incidents",
    FOOD: "insecurity-insight-foodsecurity-incidents",
}
ID_COLUMN = {HC: "SiND Event ID", MAP: "Event ID", EWM: "SiND Event ID",
             CRSV: "SIND Event ID", FOOD: "SiND Event ID"}  # fmt: skip
TAG_ROW = {HC: True, MAP: True, EWM: True, CRSV: False, FOOD: False}

pytestmark = pytest.mark.django_db


def _ids(path: Path) -> list[str]:
    rows = openpyxl.load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(rows)]
    if TAG_ROW[path]:
        next(rows)
    at = header.index(ID_COLUMN[path])
    return [str(r[at]) for r in rows if at < len(r) and r[at] is not None]


def _import(path: Path, **kw: Any) -> Any:
    return run_import(
        organisation=Organisation.objects.get(code="partner"), path=path, progress=False, **kw
    )


def _state() -> dict[tuple[str, str | None], tuple[Any, ...]]:
    """Every record by (dataset, source id): what a change to it would change."""
    return {
        (i.dataset, i.source_id): (i.version, i.domain, i.killed, i.types, i.narrative,
                                   i.raw_source, i.event_id)
        for i in Incident.objects.all()
    }  # fmt: skip


def _check_order(files: list[Path]) -> None:
    for path in files:
        before = _state()
        _import(path)
        after = _state()
        others = {k: v for k, v in before.items() if k[0] != DATASETS[path]}
        assert {k: after[k] for k in others} == others, f"{path.name} changed another dataset"
    for path in files:
        before = _state()
        again = _import(path)
        assert (again.created, again.updated, again.held) == (0, 0, 0), path.name
        assert _state() == before


def test_every_file_keeps_to_its_own_dataset_in_any_order(org: Any) -> None:
    _check_order([HC, EWM, CRSV, FOOD])
    for path in (HC, EWM, CRSV, FOOD):
        stored = set(
            Incident.objects.filter(dataset=DATASETS[path]).values_list("source_id", flat=True)
        )
        assert stored <= set(_ids(path))
    # The health-care and explosive-weapons records of one event are two records, linked
    # by the publisher's event id.
    shared = set(_ids(HC)) & set(_ids(EWM))
    assert len(shared) > 200
    health = Incident.objects.filter(dataset=DATASETS[HC])
    explosive = Incident.objects.filter(dataset=DATASETS[EWM])
    assert all(i.event_id == i.source_id for i in health)
    assert all(i.event_id == i.source_id for i in explosive)
    both = set(health.values_list("event_id", flat=True)) & set(
        explosive.values_list("event_id", flat=True)
    )
    assert both and both <= shared
    assert health.count() == len(_ids(HC))  # nothing of the health-care file overwritten


def test_the_other_order_too(org: Any) -> None:
    _check_order([FOOD, CRSV, EWM, HC])
    assert Incident.objects.filter(dataset=DATASETS[HC]).count() == len(_ids(HC))


def test_a_named_dataset_keeps_ids_apart_from_the_default_one(org: Any) -> None:
    first = _import(CRSV, dataset="")  # the file's family
    named = _import(CRSV, dataset="partner-sv-2024")
    assert first.created == named.created == len(_ids(CRSV))
    assert Incident.objects.filter(dataset="partner-sv-2024").count() == len(_ids(CRSV))


def _reworked(tmp_path: Path) -> Path:
    """The CRSV workbook with its first data row's story retold in another domain."""
    book = openpyxl.load_workbook(CRSV)
    sheet = book.worksheets[0]
    header = [str(c.value or "").strip() for c in sheet[1]]
    sheet.cell(2, header.index("Number of Reported Victims") + 1, 7)
    sheet.cell(2, header.index("Event Description") + 1, "Retold.")
    sheet.cell(2, header.index("Reported Perpetrator") + 1, "Unknown")
    path = tmp_path / "crsv_reworked.xlsx"
    book.save(path)
    return path


def test_a_rewrite_is_held_until_confirmed_and_the_old_version_kept(
    org: Any, tmp_path: Path
) -> None:
    _import(CRSV)
    sid = _ids(CRSV)[0]
    record = Incident.objects.get(source_id=sid)
    old = {"domain": record.domain, "narrative": record.narrative, "raw": record.raw_source,
           "perpetrator": record.perpetrator, "version": record.version}  # fmt: skip
    changed = _reworked(tmp_path)
    # Another domain: the whole file is said to be protection data.
    held = _import(changed, domain="protection", dataset=DATASETS[CRSV])
    assert held.held == len(_ids(CRSV)) and held.updated == 0
    assert held.held_sample[0].changes["domain"] == ("gbv", "protection")
    assert held.held_sample[0].changes["narrative"] == ("(hidden)", "(changed)")
    record.refresh_from_db()
    assert (record.domain, record.version) == (old["domain"], old["version"])

    shown = preview_file(
        organisation=org, path=changed, domain="protection", dataset=DATASETS[CRSV]
    )
    assert shown.rows[0].outcome == "held"
    assert ("domain", "Gender-based violence (GBV)", "Protection incident") in shown.rows[0].changes

    applied = _import(changed, domain="protection", dataset=DATASETS[CRSV], apply_changes=True)
    assert applied.updated == len(_ids(CRSV)) and applied.held == 0
    record.refresh_from_db()
    assert record.domain == "protection" and record.narrative.startswith("Retold")
    change = IncidentChange.objects.filter(incident=record, action="imported").last()
    assert change is not None and change.previous is not None
    assert change.previous["domain"] == old["domain"]
    assert change.previous["narrative"] == old["narrative"]
    assert change.previous["raw_source"] == old["raw"]
    assert change.previous["perpetrator"] == old["perpetrator"]
    assert change.changes["raw_source"][0] != "(previous source row)"
    assert "Retold" not in str(change.changes)  # the story only in encrypted fields


def test_a_small_correction_is_applied_at_once(org: Any, tmp_path: Path) -> None:
    _import(CRSV)
    book = openpyxl.load_workbook(CRSV)
    sheet = book.worksheets[0]
    header = [str(c.value or "").strip() for c in sheet[1]]
    sheet.cell(2, header.index("Event Description") + 1, "Corrected wording.")
    path = tmp_path / "crsv_corrected.xlsx"
    book.save(path)
    result = _import(path, dataset=DATASETS[CRSV])
    assert (result.updated, result.held, result.created) == (1, 0, 0)
    record = Incident.objects.get(source_id=_ids(CRSV)[0])
    assert record.narrative == "Corrected wording."
