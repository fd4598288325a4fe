"""The two real public files import completely, as published, and their counts reconcile
with sums computed here independently (csv module / openpyxl, not the importer)."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import datetime
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.db.models import Sum

from ulinzi.geo import countries as geo
from ulinzi.incidents.models import Incident, IncidentChange, IncidentTerm
from ulinzi.intake.models import ImportReject
from ulinzi.intake.services import run_import

from .conftest import II_FILE, SSA_FILE

SSA_ISO = {
    "occupied Palestinian territory": "PSE", "Ukraine": "UKR",
    "Democratic Republic of the Congo": "COD", "Myanmar": "MMR", "Afghanistan": "AFG",
    "Syrian Arab Republic": "SYR", "Central African Republic": "CAF", "Libya": "LBY",
    "Sudan": "SDN", "Yemen": "YEM", "Nigeria": "NGA", "Israel": "ISR", "Mali": "MLI",
    "Burkina Faso": "BFA", "Iraq": "IRQ", "South Sudan": "SSD", "Haiti": "HTI",
    "Somalia": "SOM", "Lebanon": "LBN", "Armenia": "ARM",
    # Not in ISO 3166: kept with the code of a place outside it (parent AZE).
    "Nagorno-Karabakh": "XNK",
}  # fmt: skip
SSA_RESOURCES = {
    "HC Facilities": "facility", "HC Transport": "transport", "HC Personnel": "personnel",
    "HC Supplies Assets": "supplies", "HC Warehouse Storage": "warehouse",
    "HC Patients": "patients",
}  # fmt: skip
HEAVY = (
    "Violence with heavy weapons (requires more than one person to use such as firearms, "
    "tanks, missiles, bombs, mortars)"
)
INDIVIDUAL = (
    "Violence with individual weapons (knives, bricks, clubs, guns, grenades and improvised "
    "explosive devices (IED)"
)


def _n(cell: str) -> int:
    return int(float(cell))


def _ssa_rows() -> list[dict[str, str]]:
    with SSA_FILE.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _org(code: str) -> Any:
    from ulinzi.accounts import services as accounts

    return accounts.ensure_organisation(code=code, name=code, kind="un_agency")


@pytest.mark.django_db
def test_ssa_export_imports_completely_and_reconciles() -> None:
    org = _org("who-ssa")
    rows = _ssa_rows()
    deaths: dict[str, int] = defaultdict(int)
    injured: dict[str, int] = defaultdict(int)
    for row in rows:
        deaths[row["Country / Territory"]] += _n(row["Total Death"])
        injured[row["Country / Territory"]] += _n(row["Total Injured"])
    assert (len(rows), sum(deaths.values()), sum(injured.values())) == (6277, 1902, 4056)

    result = run_import(organisation=_org("who-ssa"), path=SSA_FILE, progress=False)

    assert result.fmt == "ssa"
    assert (result.created, result.rejected, result.blank, result.updated) == (len(rows), 0, 0, 0)
    assert not ImportReject.objects.filter(run_id=result.run_id).exists()

    incidents = Incident.objects.filter(organisation=org)
    sums = {
        r["country"]: (r["k"], r["i"])
        for r in incidents.values("country").annotate(k=Sum("killed"), i=Sum("injured"))
    }
    assert sums == {iso: (deaths[name], injured[name]) for name, iso in SSA_ISO.items()}
    assert sum(k for k, _ in sums.values()) == 1902
    assert sum(i for _, i in sums.values()) == 4056
    assert geo.parent("XNK") == "AZE"

    by_id = {r["Attack ID"]: r for r in rows}
    terms = 0
    for inc in incidents.iterator():
        row = by_id[str(inc.source_id)]
        assert inc.raw_source == row  # kept unchanged, every column
        assert inc.country == SSA_ISO[row["Country / Territory"]]
        when = datetime.strptime(row["Attack Date"], "%m/%d/%y %I:%M %p").date()
        assert (inc.occurred_on, inc.occurred_precision) == (when, "day")
        time_cell = row["Attack Time"]
        assert inc.occurred_time == ("" if time_cell == "Time Unknown" else time_cell)
        assert inc.certainty == row["Certainty Level"].lower()
        assert (inc.killed, inc.injured) == (_n(row["Total Death"]), _n(row["Total Injured"]))
        for kind, src in (
            ("abducted", "Abduction"),
            ("arrested", "Arrest"),
            ("detained", "Detention"),
        ):
            hw, pt = _n(row[f"HW {src}"]), _n(row[f"Patient {src}"])
            assert getattr(inc, f"{kind}_health_workers") == hw
            assert getattr(inc, f"{kind}_patients") == pt
            assert getattr(inc, kind) == hw + pt
        wanted = [code for col, code in SSA_RESOURCES.items() if row[col] == "YES"]
        assert inc.resources == wanted + (["other"] if row["HC Other"].strip() else [])
        assert inc.types and len(inc.types) <= row["Attack Type"].count(", ") + 1
        assert (inc.domain, inc.cause) == ("health_care_attack", "unknown")
        terms += len(inc.types) + len(inc.resources)
    assert IncidentTerm.objects.filter(incident__organisation=org).count() == terms
    history = IncidentChange.objects.filter(incident__organisation=org)
    assert history.count() == result.created
    assert set(history.values_list("action", flat=True)) == {"imported"}

    both = next(r for r in rows if r["Attack Type"] == f"{HEAVY}, {INDIVIDUAL}")
    assert incidents.get(source_id=both["Attack ID"]).types == [
        "heavy_weapons",
        "individual_weapons",
    ]

    again = run_import(organisation=_org("who-ssa"), path=SSA_FILE, progress=False)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 6277, 0)
    assert incidents.count() == 6277 and history.count() == 6277


@pytest.mark.django_db
def test_ssa_country_translated_by_a_mapping_file_imports_every_row(tmp_path: Any) -> None:
    """A mapping file may still file the place under a country of the user's choice."""
    org = _org("who-ssa")
    mapping = tmp_path / "ssa.json"
    mapping.write_text(json.dumps({"values": {"country": {"Nagorno-Karabakh": "AZE"}}}))
    result = run_import(organisation=org, path=SSA_FILE, mapping=mapping, progress=False)
    assert (result.created, result.rejected) == (6277, 0)
    got = Incident.objects.filter(organisation=org).aggregate(k=Sum("killed"), i=Sum("injured"))
    assert got == {"k": 1902, "i": 4056}
    assert not Incident.objects.filter(country="XNK").exists()


def _cause(row: dict[str, Any]) -> str:
    flags = [row[c] for c in row if c.endswith("Related Violence")]
    if "ConflictEvent" in flags:
        return "armed_conflict"
    if "Politically-related" in flags:
        return "civil_unrest"
    if {"COVIDEvent", "Ebola-related", "Vaccination-related"} & set(flags):
        return "pandemic_related"
    return "unknown"


@pytest.mark.django_db
def test_insecurity_insight_workbook_imports_completely_and_reconciles() -> None:
    org = _org("insecurity-insight")
    book = openpyxl.load_workbook(II_FILE, read_only=True, data_only=True)
    sheet = book.worksheets[0].iter_rows(values_only=True)
    header = [str(h) for h in next(sheet)]
    next(sheet)  # the HXL tag row
    data: list[dict[str, Any]] = [dict(zip(header, r, strict=False)) for r in sheet]
    book.close()
    rows = [r for r in data if any(v not in (None, "") for v in r.values())]
    assert len(rows) == 8854

    result = run_import(organisation=_org("insecurity-insight"), path=II_FILE, progress=False)

    assert result.fmt == "hxl"
    assert result.created + result.rejected == len(rows)
    assert result.blank == len(data) - len(rows) == 8
    rejects = ImportReject.objects.filter(run_id=result.run_id).order_by("row")
    assert result.rejected == rejects.count() == 2
    assert [(r.column, r.value) for r in rejects] == [
        ("Country", "Unspecified"),
        ("Country", "International Waters"),
    ]
    assert all("Country ISO is empty" in r.reason for r in rejects)

    incidents = Incident.objects.filter(organisation=org)
    imported = {int(str(s)) for s in incidents.values_list("source_id", flat=True)}
    kept = [r for r in rows if r["SiND Event ID"] in imported]
    assert len(kept) == result.created
    for field, column in (
        ("killed", "Health Workers Killed"),
        ("injured", "Health Workers Injured"),
        ("abducted", "Health Workers Kidnapped"),
        ("arrested", "Health Workers Arrested"),
        ("killed_health_workers", "Health Workers Killed"),
        ("arrested_health_workers", "Health Workers Arrested"),
    ):
        assert incidents.aggregate(n=Sum(field))["n"] == sum(r[column] for r in kept), field

    by_id = {r["SiND Event ID"]: r for r in kept}
    for inc in incidents.iterator():
        row = by_id[int(str(inc.source_id))]
        assert inc.narrative == (row["Event Description"] or "").strip()
        assert inc.occurred_on == row["Date"].date()
        assert inc.country == row["Country ISO"]
        admin1 = (row["Admin 1"] or "").strip()
        assert inc.admin1_name == ("" if admin1 == "No Information" else admin1)
        assert inc.cause == _cause(row)
        raw: dict[str, Any] = inc.raw_source or {}
        assert raw["Event Description"] == row["Event Description"]
        assert raw["SiND Event ID"] == row["SiND Event ID"]
        kidnapped = row["Health Workers Kidnapped"] or row["Health Workers Arrested"]
        assert ("abduction_arrest_detention" in inc.types) == bool(kidnapped)
        assert ("sexual_assault" in inc.types) == bool(row["Health Workers Sexually Assaulted"])
        assert ("obstruction" in inc.types) == bool(row["Access Denied or Obstructed"])
        if row["Weapon Carried/Used"] == "Firearms":
            assert "heavy_weapons" not in inc.types and "individual_weapons" not in inc.types
        if str(row["Weapon Carried/Used"]).startswith("Aerial Bomb"):
            assert "heavy_weapons" in inc.types
        destroyed = row["Number of Attacks on Health Facilities Reporting Destruction"]
        if destroyed:
            assert "facility" in inc.resources

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT narrative FROM incidents_incident WHERE organisation_id = %s "
            "AND narrative <> '' LIMIT 5",
            [org.pk],
        )
        stored = [r[0] for r in cursor.fetchall()]
    assert stored and all(s.startswith("enc:v1:") for s in stored)
    assert incidents.filter(geo_precision="near_25km").count() == sum(
        1 for r in kept if r["Geo Precision"] == "(2) 25 km Precision "
    )
