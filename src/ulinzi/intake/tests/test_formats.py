"""Formats: value conversion, HXL with wrong tags, mapped CSV/XLSX, Kobo JSON."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ulinzi.accounts.models import Organisation
from ulinzi.incidents.models import Incident
from ulinzi.intake import jsonstream, values
from ulinzi.intake.imports import ImportFailed
from ulinzi.intake.services import run_import

LONG_LABELS = (
    "Violence with heavy weapons (requires more than one person to use such as firearms, "
    "tanks, missiles, bombs, mortars), Violence with individual weapons (knives, bricks, "
    "clubs, guns, grenades and improvised explosive devices (IED), Obstruction to health "
    "care delivery (e.g. physical, administrative, legal etc)"
)


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        (LONG_LABELS, ["heavy_weapons", "individual_weapons", "obstruction"]),
        ("Setting fire | Sexual assault", ["setting_fire", "sexual_assault"]),
        ("heavy_weapons setting_fire", ["heavy_weapons", "setting_fire"]),
        ("Assault (without weapons); Assault", ["assault_without_weapons"]),
        ("", []),
    ],
)
def test_labels_are_split_on_known_labels_not_on_commas(cell: str, codes: list[str]) -> None:
    assert values.split_terms(cell, "ssa_attack_type") == codes


def test_unknown_label_is_named() -> None:
    with pytest.raises(ValueError, match="'dancing' is not a known value"):
        values.split_terms("Setting fire, Dancing, Other", "ssa_attack_type")


def test_dates() -> None:
    assert values.us_short_date("2/8/24 12:00 AM") == (date(2024, 2, 8), "day")
    assert values.us_short_date("12/31/17 12:00 AM") == (date(2017, 12, 31), "day")
    assert values.occurred("2023-05") == (date(2023, 5, 1), "month")
    assert values.occurred("2023") == (date(2023, 1, 1), "year")
    assert values.occurred(datetime(2021, 3, 7, 10, 5)) == (date(2021, 3, 7), "day")
    assert values.occurred("07/03/2021", ("%d/%m/%Y",)) == (date(2021, 3, 7), "day")
    with pytest.raises(ValueError, match="date_format in a mapping file"):
        values.occurred("07/03/2021")
    with pytest.raises(ValueError, match="not a real date"):
        values.occurred("2023-02-30")


def test_counts_and_flags() -> None:
    assert [values.count(v) for v in ("1.0", 3, 2.0, "", None, " 4 ")] == [1, 3, 2, None, None, 4]
    for bad in ("1.5", "many", 0.5):
        with pytest.raises(ValueError):
            values.count(bad)
    assert [values.flag(v) for v in ("YES", "NO", "Unknown", True, 0)] == [
        True, False, None, True, False,
    ]  # fmt: skip


def _import(path: Path, **kw: Any) -> Any:
    return run_import(
        organisation=Organisation.objects.get(code="partner"), path=path, progress=False, **kw
    )


@pytest.mark.django_db
def test_hxl_with_the_wrong_tags_real_files_carry(org: Any, write_csv: Any) -> None:
    header = [
        "Event ID",
        "Date",
        "ISO",
        "Admin 1",
        "Lat (WGS84)",
        "Longitude",
        "Lng",
        "Weapon Carried/Used",
        "Health Workers Killed",
        "Mystery",
        "",
    ]
    tags = [
        "",
        "#date",
        "#country_ISO",
        "#admin1",
        "#geo +lac",
        "#geo+lat",
        "#long",
        "#weapons",
        "#affected +healthworker +killed",
        "#x_mystery",
        "#org+name",
    ]
    row = ["E1", "2022-04-15", "SYR", "Idlib Governorate", "35.9", "36.6", "99",
           "Aerial Bomb: Plane", "2", "?", "MSF"]  # fmt: skip
    path = write_csv("tags.csv", [header, tags, row])
    with pytest.raises(ImportFailed, match="no column gives the domain of the incidents: pass"):
        _import(path)  # a weapon and health workers killed do not make it health care
    result = _import(path, domain="health_care_attack")
    assert (result.fmt, result.created) == ("hxl", 1)
    text = "\n".join(result.plan)
    assert "'Mystery': NOT UNDERSTOOD" in text
    assert "'Longitude' is tagged #geo+lat (lat) but its header reads as lon: used as lon" in text
    assert "'Lng': not imported (a second column for lon" in text
    assert "'#org+name': not imported (the organisation is the one given with --org" in text
    incident = Incident.objects.get()
    assert (incident.source_id, incident.country, incident.admin1_name) == (
        "E1", "SYR", "Idlib Governorate",
    )  # fmt: skip
    assert (incident.lat, incident.lon) == (35.9, 36.6)
    assert (incident.killed, incident.killed_health_workers) == (2, 2)
    assert incident.types == ["heavy_weapons"] and incident.resources == ["personnel"]
    assert incident.domain == "health_care_attack"


@pytest.mark.django_db
def test_ulinzi_partner_export_reimports(org: Any, write_csv: Any) -> None:
    header = [
        "Ulinzi id",
        "Reporting organisation",
        "Country",
        "Admin 1 P-code",
        "Admin 1",
        "Date",
        "Domain",
        "Incident types",
        "Resources affected",
        "Facility type",
        "Cause",
        "Certainty",
        "Perpetrator",
        "Status",
        "Killed",
        "Killed (health workers)",
    ]
    tags = [
        "#meta+id",
        "#org+name",
        "#country+code",
        "#adm1+pcode",
        "#adm1+name",
        "#date+occurred",
        "#event+category",
        "#event+type",
        "#x_resources",
        "#loc+type",
        "#cause",
        "#meta+certainty",
        "#group+perp",
        "#status",
        "#affected+killed",
        "#affected+killed+health_workers",
    ]
    row = ["u-1", "cluster", "UKR", "UA63", "Kharkivska", "2024-03-02", "health_care_attack",
           "heavy_weapons | setting_fire", "facility | transport", "secondary",
           "armed_conflict", "confirmed", "foreign_forces", "verified", "3", "1"]  # fmt: skip
    result = _import(write_csv("export.csv", [header, tags, row]))
    assert result.created == 1 and not any("NOT UNDERSTOOD" in line for line in result.plan)
    incident = Incident.objects.get()
    assert incident.types == ["heavy_weapons", "setting_fire"]
    assert incident.resources == ["facility", "transport"]
    assert (incident.facility_type, incident.cause, incident.perpetrator) == (
        "secondary", "armed_conflict", "foreign_forces",
    )  # fmt: skip
    assert (incident.admin1_pcode, incident.status, incident.killed) == ("UA63", "submitted", 3)


@pytest.mark.django_db
def test_xlsx_with_a_saved_mapping(org: Any, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.create_sheet("Incidents")  # the second sheet, after the default one
    sheet.append(["Réf.", "Date de l'évènement", "Pays", "Catégorie", "Décès", "Remarque"])
    sheet.append(["R-1", "07/03/2021", "RDC", "Bombardement", 4, "interne"])
    sheet.append(["R-2", "31/12/2021", "Mali", "Pillage; Bombardement", None, ""])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["R-3", "13/13/2021", "Mali", "Bombardement", 1, ""])
    path = tmp_path / "partenaire.xlsx"
    book.save(path)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "sheet": "Incidents",
                "columns": {
                    "Réf.": "source_id",
                    "Date de l'évènement": "occurred_on",
                    "Catégorie": "types",
                    "Décès": "killed",
                    "Remarque": None,
                },
                "values": {
                    "types": {"Bombardement": "heavy_weapons", "Pillage": "removal_of_assets"},
                    "country": {"RDC": "COD"},
                },
                "defaults": {"domain": "health_care_attack"},
                "date_format": "%d/%m/%Y",
            }
        )
    )
    result = _import(path, mapping=mapping)
    assert (result.fmt, result.created, result.rejected, result.blank) == ("mapped", 2, 1, 1)
    first, second = Incident.objects.order_by("source_id")
    assert (first.country, first.occurred_on, first.types, first.killed) == (
        "COD", date(2021, 3, 7), ["heavy_weapons"], 4,
    )  # fmt: skip
    assert second.types == ["removal_of_assets", "heavy_weapons"] and second.country == "MLI"
    assert (first.raw_source or {})["Remarque"] == "interne"
    assert "'Remarque': not imported (left out by the mapping" in "\n".join(result.plan)


KOBO = [
    {
        "_id": 101, "_uuid": "u-101", "meta/instanceID": "uuid:aa-101",
        "incident": {"occurred_on": "2024-05-02", "country": "SSD",
                     "types": "heavy_weapons setting_fire"},
        "victims": {"killed": "2", "hw_killed": "1"}, "_geolocation": [4.85, 31.6],
        "_submission_time": "2024-05-03T08:00:00",
    },
    {
        "_id": 102, "_uuid": "u-102", "meta/instanceID": "uuid:aa-102",
        "incident": {"occurred_on": "2024-05-04", "country": "SSD", "types": "obstruction"},
        "victims": {"killed": "0"}, "_geolocation": [None, None],
    },
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("shape", ["array", "envelope", "lines"])
def test_kobo_json_submissions(org: Any, tmp_path: Path, shape: str) -> None:
    path = tmp_path / "kobo.json"
    if shape == "array":
        path.write_text(json.dumps(KOBO))
    elif shape == "envelope":
        path.write_text(json.dumps({"count": 2, "next": None, "results": KOBO}))
    else:
        path.write_text("\n".join(json.dumps(s) for s in KOBO) + "\n")
    mapping = tmp_path / "kobo-map.json"
    mapping.write_text(json.dumps({"columns": {"hw_killed": "killed_health_workers"}}))
    result = _import(path, fmt="kobo", mapping=mapping, domain="health_care_attack")
    assert (result.fmt, result.created, result.rejected) == ("kobo", 2, 0)
    first = Incident.objects.get(source_id="uuid:aa-101")
    assert first.types == ["heavy_weapons", "setting_fire"]
    assert (first.killed, first.killed_health_workers, first.lat, first.lon) == (2, 1, 4.85, 31.6)
    assert first.raw_source == KOBO[0]
    assert Incident.objects.get(source_id="uuid:aa-102").lat is None
    plan = "\n".join(result.plan)
    assert "'meta/instanceID' is each submission's source id" in plan
    assert "'meta/instanceID': NOT UNDERSTOOD" not in plan


class _Trickle(io.StringIO):
    """A file that gives at most three characters a read, as a slow stream may."""

    def read(self, size: int | None = -1) -> str:
        return super().read(3 if size is None or size < 0 else min(size, 3))


def test_json_stream_across_tiny_chunks() -> None:
    records = [{"n": 12345678, "s": "a,b]}", "x": [1, {"y": None}]}, {"n": -1.5e10}, {}]
    for text in (json.dumps(records), json.dumps({"value": records, "@odata": "x"})):
        assert list(jsonstream.records(_Trickle(text))) == records
    with pytest.raises(jsonstream.JsonError):
        list(jsonstream.records(io.StringIO('[{"a": 1} {"b": 2}]')))
