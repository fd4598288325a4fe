"""A weapon column gives the incident types its weapons imply in the row's domain, through
the shared ``weapon`` vocabulary: IEDs and grenades are individual weapons and bombs,
shells and missiles heavy weapons (the WHO SSA's own definitions), mines and unexploded
ordnance an explosive-ordnance incident in protection data. Expected types are worked out
here from the file's cells (openpyxl), by the SSA definitions written below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ulinzi.accounts.models import Organisation
from ulinzi.incidents.models import Incident
from ulinzi.intake.services import run_import
from ulinzi.vocab import registry

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EWM = FIXTURES / "insecurity_insight_explosive_weapons_sample.xlsx"
# The SSA's words: "individual weapons (knives, bricks, clubs, guns, grenades and improvised
# explosive devices (IED))"; "heavy weapons (... missiles, bombs, mortars)".
INDIVIDUAL = {"Unspecified IED", "Hand Grenade", "VBIED", "SVIED", "RCIED",
              "Remote-Controlled IED", "RPG"}  # fmt: skip
HEAVY = {"Aerial Bomb", "Shelling", "Artillery", "Missile", "Rocket", "Mortar", "Cluster Bomb"}
ORDNANCE = {"Mine", "UXO"}

pytestmark = pytest.mark.django_db


def _rows() -> list[dict[str, Any]]:
    sheet = openpyxl.load_workbook(EWM, read_only=True).worksheets[0].iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(sheet)]
    next(sheet)  # tags
    return [dict(zip(header, r, strict=False)) for r in sheet if any(c is not None for c in r)]


def _n(value: Any) -> int:
    return int(value or 0)


def _expected(row: dict[str, Any]) -> list[str]:
    sector = str(row["Sector Affected"]).split(",")[0].strip()
    weapons = {w.strip() for w in str(row["Explosive Weapon Type"]).split(",")}
    # Counts that name a type of their domain (GCPEA; aid worker security).
    if sector == "Education":
        victims = _n(row["Students Killed"]) + _n(row["Educators Killed"])
        return ["attack_on_students_educators"] if victims else []
    if sector == "Aid Operations":
        return ["killing"] if _n(row["Aid Workers Killed"]) else []
    if sector == "Health Care":
        return [t for t, kinds in (("heavy_weapons", HEAVY), ("individual_weapons", INDIVIDUAL))
                if weapons & kinds]  # fmt: skip
    if sector == "Protection":
        return ["explosive_ordnance"] if weapons & ORDNANCE else []
    return []


def test_explosive_weapons_give_the_types_of_the_row_domain(org: Any) -> None:
    rows = _rows()
    result = _import()
    assert result.rejected == 0
    assert not [k for k in result.kept if k[0] == "Explosive Weapon Type"]  # every one known
    stored = {str(i.source_id): i for i in Incident.objects.all()}
    assert len(stored) == len(rows)
    for row in rows:
        incident = stored[str(row["SiND Event ID"])]
        assert sorted(incident.types) == sorted(_expected(row)), row["Explosive Weapon Type"]
    typed = {t for i in stored.values() for t in i.types}
    assert {"heavy_weapons", "individual_weapons", "explosive_ordnance"} <= typed
    assert {"attack_on_students_educators", "killing"} <= typed
    ied = [
        i
        for i in stored.values()
        if (i.raw_source or {}).get("Explosive Weapon Type") in INDIVIDUAL
    ]
    assert any(i.domain == "health_care_attack" for i in ied)


def _import(**kw: Any) -> Any:
    return run_import(
        organisation=Organisation.objects.get(code="partner"), path=EWM, progress=False, **kw
    )


def test_a_weapon_no_vocabulary_knows_costs_no_row(org: Any, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(EWM)
    sheet = book.worksheets[0]
    column = [c.value for c in sheet[1]].index("Explosive Weapon Type") + 1
    sheet.cell(3, column, "Trebuchet")
    path = tmp_path / "ewm.xlsx"
    book.save(path)
    result = run_import(organisation=org, path=path, progress=False)
    assert result.rejected == 0 and result.created == len(_rows())
    assert result.kept == {
        ("Explosive Weapon Type", "Trebuchet", "'trebuchet' is not a known value of weapon"): 1
    }


def test_weapon_terms_imply_types_their_vocabularies_hold() -> None:
    weapons = registry.get("weapon")
    implied = [(vocab, code) for term in weapons.terms for vocab, code in term.types.items()]
    assert implied
    for vocab, code in implied:
        assert code in registry.get(vocab), (vocab, code)
        assert vocab in registry.DOMAIN_TYPES.values()
    for term in weapons.terms:
        assert all(term.labels.get(lang, "").strip() for lang in registry.LANGUAGES), term.code
