"""Every real public file (``../shared/data/real``; the large ones as covering samples,
see ``real_samples.py``) imported as a new user would: ``ulinzi import --dry-run`` then
``ulinzi import``, no mapping, no ``--domain``. Each file: at least 99 % of its rows
imported; rejects only for a missing or impossible date, country or domain, each with its
reason; every row in its domain; totals per country and per victim group equal to the sums
computed here from the file itself (csv, json, openpyxl: never the importer's figures);
every perpetrator, type and weapon spelling known to the shared vocabularies. Then all
the files into one organisation, in two orders: no import changes a record of another
dataset, and importing a file a second time changes nothing.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ulinzi.cli import main
from ulinzi.incidents.models import Incident
from ulinzi.intake.models import ImportReject, ImportRun

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# What each sector of a sector column is, as the publisher's README describes it.
SECTORS = {
    "health care": "health_care_attack",
    "education": "education_attack",
    "aid operations": "aid_security",
    "protection": "protection",
    "food security": "food_security",
}
HW = "health_workers"
AID = "aid_workers"
Count = tuple[str, str, str, str]  # column, victim group ("people": everyone), kind, sex


@dataclass(frozen=True)
class File:
    """What a reader of the file and its README knows: which column holds what."""

    name: str
    id: str
    country: str  # the column of ISO codes (or of names, when ``names``)
    header_rows: int = 1  # 2: a row of HXL tags; 0: a JSON list of records
    date: str = "Date"
    names: bool = False
    country_name: str = "Country"  # used when the ISO cell is empty
    domain: str = ""  # the domain of every row, or:
    sector: str = ""  # the column naming each row's sector(s)
    counts: tuple[Count, ...] = ()
    known: tuple[str, ...] = ()  # columns whose every value a vocabulary must know
    # (domain, column, type): a count above 0 in the column says the row is of that type
    named: tuple[tuple[str, str, str], ...] = ()

    @property
    def path(self) -> Path:
        return FIXTURES / self.name


II_KNOWN = ("Reported Perpetrator", "Weapon Carried/Used", "Geo Precision")
FILES = [
    File("who_ssa_attacks_2017_2024_covering.csv", "Attack ID", "Country / Territory",
         date="Attack Date", names=True, domain="health_care_attack",
         counts=(("Total Death", "people", "killed", ""),
                 ("Total Injured", "people", "injured", ""),
                 ("HW Abduction", HW, "abducted", ""), ("HW Arrest", HW, "arrested", ""),
                 ("HW Detention", HW, "detained", ""),
                 ("Patient Abduction", "patients", "abducted", ""),
                 ("Patient Arrest", "patients", "arrested", ""),
                 ("Patient Detention", "patients", "detained", "")),
         known=("Attack Type", "Certainty Level", "Type of Facility")),
    File("insecurity_insight_attacks_on_health_care_2016_2023_covering.xlsx", "SiND Event ID",
         "Country ISO", header_rows=2, domain="health_care_attack",
         counts=(("Health Workers Killed", HW, "killed", ""),
                 ("Health Workers Injured", HW, "injured", ""),
                 ("Health Workers Kidnapped", HW, "abducted", ""),
                 ("Health Workers Arrested", HW, "arrested", "")),
         known=II_KNOWN),
    File("insecurity_insight_health_care_interactive_map_2016_2023_covering.xlsx", "Event ID",
         "ISO3 codes", header_rows=2, date="Incident date", country_name="",
         domain="health_care_attack",
         counts=(("Total health worker killed", HW, "killed", ""),
                 ("Total health worker injured", HW, "injured", ""),
                 ("Total health worker kidnapped", HW, "abducted", "")),
         known=("Perpetrator", "Weapons use")),
    File("insecurity_insight_explosive_weapons_2020_2023_covering.xlsx", "SiND Event ID",
         "Country ISO", header_rows=2, sector="Sector Affected",
         counts=(("Health Workers Killed", HW, "killed", ""),
                 ("Aid Workers Killed", AID, "killed", ""),
                 ("Aid Health Workers Killed", "aid_health_workers", "killed", ""),
                 ("Educators Killed", "educators", "killed", ""),
                 ("Students Killed", "students", "killed", "")),
         known=("Reported Perpetrator", "Explosive Weapon Type", "Sector Affected"),
         named=(("aid_security", "Aid Workers Killed", "killing"),
                ("education_attack", "Students Killed", "attack_on_students_educators"),
                ("education_attack", "Educators Killed", "attack_on_students_educators"))),
    File("insecurity_insight_crsv_2024.xlsx", "SIND Event ID", "Country ISO", domain="gbv",
         counts=(("Number of Reported Victims", "survivors", "affected", ""),
                 ("Reported Deaths Following the Sexual Violence", "survivors", "killed", ""),
                 ("Reported Deaths Following the Sexual Violence", "people", "killed", "")),
         known=("Reported Perpetrator", "Type of SV", "Geo Precision")),
    File("insecurity_insight_food_security_2020_2024.xlsx", "SiND Event ID", "Country ISO",
         domain="food_security", known=II_KNOWN),
    File("insecurity_insight_api_aidWorkerKIKA_covering.json", "SiND Event ID", "Country ISO",
         header_rows=0, domain="aid_security",
         counts=tuple(
             (f"{who}Aid Workers {kind.title()}", group, kind, sex)
             for kind in ("killed", "injured", "kidnapped", "arrested")
             for who, group, sex in (("", AID, ""), ("International ", f"{AID}_international", ""),
                                     ("National ", f"{AID}_national", ""),
                                     ("Female ", AID, "female"), ("Male ", AID, "male"))
         ),
         known=II_KNOWN,
         named=tuple(("aid_security", f"Aid Workers {kind}", code) for kind, code in (
             ("Killed", "killing"), ("Injured", "injury"), ("Kidnapped", "abduction"),
             ("Arrested", "arbitrary_arrest_detention")))),
    File("insecurity_insight_api_foodSecurity.json", "SiND Event ID", "Country ISO",
         header_rows=0, domain="food_security", known=II_KNOWN),
]  # fmt: skip
KINDS = {"kidnapped": "abducted"}

pytestmark = pytest.mark.django_db


def _rows(spec: File) -> list[dict[str, Any]]:
    """Every data row of the file in order (blank ones too), header → cell."""
    if spec.header_rows == 0:
        records: list[dict[str, Any]] = json.loads(spec.path.read_text(encoding="utf-8"))
        return records
    if spec.path.suffix == ".csv":
        with spec.path.open(encoding="utf-8-sig", newline="") as fh:
            table: list[list[Any]] = list(csv.reader(fh))
    else:
        book = openpyxl.load_workbook(spec.path, read_only=True)
        table = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
    header = [str(c or "").strip() for c in table[0]]
    return [dict(zip(header, r, strict=False)) for r in table[spec.header_rows :]]


def _blank(row: dict[str, Any]) -> bool:
    return all(c is None or not str(c).strip() for c in row.values())


def _cell(row: dict[str, Any], column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


def _number(value: Any) -> int:
    text = "" if value is None else str(value).strip()
    return int(float(text)) if text and text != "None" else 0


def _domain(spec: File, row: dict[str, Any]) -> str | None:
    if spec.domain:
        return spec.domain
    sectors = [s.strip().lower() for s in _cell(row, spec.sector).split(",")]
    return next((SECTORS[s] for s in sectors if s in SECTORS), None)


def _recorded(incident: Incident, group: str, kind: str, sex: str) -> int:
    kind = KINDS.get(kind, kind)
    if group == "people":
        return getattr(incident, kind) or 0
    if group in ("health_workers", "patients", "children"):
        return getattr(incident, f"{kind}_{group}") or 0
    items = [v for v in incident.victims if v["group"] == group and v["kind"] == kind]
    if sex:
        return sum(v["count"] for v in items if v.get("sex") == sex)
    whole = [v for v in items if not v.get("sex") and not v.get("age")]
    return sum(v["count"] for v in whole or items)  # the group's count, or its parts


def _cli(capsys: Any, org: str, path: Path, *args: str) -> tuple[int, str, str]:
    code = main(["import", str(path), "--org", org, "--no-progress", *args])
    out, err = capsys.readouterr()
    return code, out, err


SUMMARY = re.compile(
    r"created ([\d,]+)  updated ([\d,]+)  unchanged ([\d,]+)  rejected ([\d,]+)  "
    r"blank ([\d,]+)(?:  held ([\d,]+))?"
)
KEPT = re.compile(r"^ +[\d,]+ × (.+?) = .+$", re.MULTILINE)


def _summary(out: str) -> dict[str, int]:
    found = SUMMARY.search(out)
    assert found is not None, out
    names = ("created", "updated", "unchanged", "rejected", "blank", "held")
    return {n: int((v or "0").replace(",", "")) for n, v in zip(names, found.groups(), strict=True)}


@pytest.mark.parametrize("spec", FILES, ids=[f.name.split("_20")[0] for f in FILES])
def test_each_real_file_imports_as_published(org: Any, capsys: Any, spec: File) -> None:
    rows = _rows(spec)
    data = [r for r in rows if not _blank(r)]

    code, dry_out, err = _cli(capsys, "partner", spec.path, "--dry-run")
    assert code == 0, err
    assert not Incident.objects.exists()
    code, out, err = _cli(capsys, "partner", spec.path)
    assert code == 0, err
    got = _summary(out)
    assert _summary(dry_out) == got  # the dry run says what the import does
    assert got["created"] + got["rejected"] == len(data)
    assert got["blank"] == len(rows) - len(data)
    assert got["created"] >= 0.99 * len(data)

    # Rejects: only a missing or impossible date, country or domain, with the reason.
    run = ImportRun.objects.filter(organisation=org).latest("pk")
    first_row = spec.header_rows + 1
    rejected_ids = set()
    for reject in ImportReject.objects.filter(run=run):
        row = rows[reject.row - first_row]
        assert reject.reason.strip()
        assert reject.column in {spec.date, spec.country, spec.country_name, spec.sector}, reject
        if reject.column in (spec.country, spec.country_name):
            assert not spec.names and not _cell(row, spec.country), (reject, row)
        elif reject.column == spec.date:
            assert not _cell(row, spec.date), (reject, row)
        else:
            assert _domain(spec, row) is None
        rejected_ids.add(_cell(row, spec.id))
    assert len(rejected_ids) == got["rejected"]

    stored = {str(i.source_id): i for i in Incident.objects.filter(organisation=org)}
    assert len(stored) == got["created"]
    by_country: dict[str, Counter[tuple[str, str, str]]] = defaultdict(Counter)
    recorded: dict[str, Counter[tuple[str, str, str]]] = defaultdict(Counter)
    codes: dict[str, set[str]] = defaultdict(set)
    for row in data:
        sid = _cell(row, spec.id)
        if sid in rejected_ids:
            continue
        incident = stored[sid]  # every row not rejected is a record
        assert incident.domain == _domain(spec, row), (sid, row.get(spec.sector))
        named = {t for d, column, t in spec.named if d == incident.domain and _number(row[column])}
        assert named <= set(incident.types), (sid, incident.types)
        place = _cell(row, spec.country)
        if place and not spec.names:
            assert incident.country == place
        codes[place].add(incident.country)
        by_country[place][("rows", "", "")] += 1
        recorded[place][("rows", "", "")] += 1
        for column, group, kind, sex in spec.counts:
            by_country[place][(group, kind, sex)] += _number(row.get(column))
            recorded[place][(group, kind, sex)] += _recorded(incident, group, kind, sex)
    assert recorded == by_country
    # One code per country cell, and cells naming different places get different codes.
    assert all(len(found) == 1 for found in codes.values()), codes
    assert len({next(iter(c)) for c in codes.values()}) == len(codes)
    wholes = []
    for column, group, kind, sex in spec.counts:
        whole = sum(c[(group, kind, sex)] for c in by_country.values())
        assert whole == sum(_recorded(i, group, kind, sex) for i in stored.values()), column
        wholes.append(whole)
    assert not spec.counts or any(wholes)  # the file's counts are not all empty

    # Every perpetrator, type and weapon spelling of the file is known.
    _, said, listed = out.partition("values not understood")
    assert not (said and [c for c in KEPT.findall(listed) if c in spec.known]), out


def test_the_publishers_field_schema_is_not_incident_data(org: Any, capsys: Any) -> None:
    code, out, err = _cli(capsys, "partner", FIXTURES / "insecurity_insight_schema.csv")
    assert code == 2 and not out
    assert len(err.strip().splitlines()) == 1 and "ulinzi import:" in err
    # It has neither a date nor a country: that is said, not "pass --domain".
    assert "no column gives occurred_on or country (needed for every incident)" in err
    assert not Incident.objects.exists()


# Samples whose event ids overlap as the published files' do (see test_identity): the
# health-care sample holds the events of the explosive-weapons and food-security samples
# and of the first interactive-map rows; the aid-worker sample those of both.
SAMPLES = [
    FILES[0].path,
    FIXTURES / "insecurity_insight_attacks_on_health_care_sample.xlsx",
    FIXTURES / "insecurity_insight_health_care_interactive_map_sample.xlsx",
    FIXTURES / "insecurity_insight_explosive_weapons_sample.xlsx",
    FIXTURES / "insecurity_insight_crsv_2024.xlsx",
    FIXTURES / "insecurity_insight_food_security_2020_2024.xlsx",
    FIXTURES / "insecurity_insight_api_aidWorkerKIKA_sample.json",
    FIXTURES / "insecurity_insight_api_foodSecurity.json",
]


def _state() -> dict[Any, tuple[Any, ...]]:
    """Every record: what any change to it would change."""
    return {
        i.pk: (i.dataset, i.source_id, i.version, i.domain, i.types, i.killed, i.country,
               i.victims, i.narrative, i.raw_source, i.event_id, i.updated_at)
        for i in Incident.objects.all()
    }  # fmt: skip


@pytest.mark.parametrize("order", ["as listed", "reversed"])
def test_all_files_into_one_organisation(org: Any, capsys: Any, order: str) -> None:
    files = SAMPLES if order == "as listed" else SAMPLES[::-1]
    for path in files:
        before = _state()
        code, out, err = _cli(capsys, "partner", path)
        assert code == 0, err
        after = _state()
        dataset = {after[pk][0] for pk in set(after) - set(before)} | {
            before[pk][0] for pk in before if after[pk] != before[pk]
        }
        named = re.search(r"^dataset: (\S+)", out, re.MULTILINE)
        assert named is not None, out
        assert dataset <= {named.group(1)}, f"{path.name} changed records of {dataset}"
        assert set(before) <= set(after)  # nothing deleted
        code, again, err = _cli(capsys, "partner", path)
        assert code == 0, err
        summary = _summary(again)
        assert (summary["created"], summary["updated"]) == (0, 0), (path.name, summary)
        assert _state() == after, f"importing {path.name} twice changed a record"
    datasets = Counter(Incident.objects.values_list("dataset", flat=True))
    assert len(datasets) == 6  # SSA, health care (both layouts), explosive, CRSV, food, aid
