"""``ulinzi import`` on the terminal: summary and rejects; unreadable files get one clear
message and a non-zero exit, never a traceback."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from ulinzi.cli import main
from ulinzi.common import encrypted_files
from ulinzi.incidents.models import Incident

from .conftest import HXL_HEADER, hxl_rows

pytestmark = pytest.mark.django_db


def _cli(capsys: Any, *args: str) -> tuple[int, str, str]:
    code = main(["import", *args, "--org", "partner", "--no-progress"])
    out, err = capsys.readouterr()
    return code, out, err


def test_summary_rejects_and_their_csv(org: Any, write_csv: Any, capsys: Any) -> None:
    rows = hxl_rows(5)
    rows[3][2] = "Narnia"
    path = write_csv("ok.csv", [*HXL_HEADER, *rows])
    code, out, err = _cli(capsys, str(path), "--domain", "health_care_attack")
    assert code == 0, err
    assert "format: hxl" in out and "'Killed' → killed" in out
    assert "created 4  updated 0  unchanged 0  rejected 1  blank 0" in out
    assert "row 6, Country ISO = 'Narnia': is not an ISO 3166 country" in out
    report = Path(out.split("all rejects (encrypted): ", 1)[1].splitlines()[0])
    assert f"ulinzi keys decrypt {report}" in out
    assert b"Narnia" not in report.read_bytes()
    text = encrypted_files.read_bytes(report).decode()
    assert list(csv.reader(io.StringIO(text)))[1][:3] == ["6", "Country ISO", "Narnia"]
    assert Incident.objects.count() == 4


def _zip_without_workbook(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return path


@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    [
        ("latin1.csv", "Date,Pays\n2024-01-01,Côte\n".encode("latin-1"), (),
         "is not utf-8 text: byte 0xf4 at offset 22 (line 2)"),
        ("empty.csv", b"", (), "empty.csv is empty"),
        ("blank.csv", b"  \n\n", (), "blank.csv is empty"),
        ("report.pdf", b"%PDF-1.4 ...", (), "is a PDF document, not a spreadsheet"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, (), "old Excel .xls"),
        ("fake.xlsx", None, (), "is not a readable XLSX workbook"),
        ("plain.csv", b"x,y\n1,2\n", ("--format", "xlsx"), "is not an XLSX workbook"),
        ("nodate.csv", b"Country,Killed\nUKR,1\n", ("--domain", "protection"),
         "no column gives occurred_on (needed for every incident)"),
        ("nodomain.csv", b"Date,Country\n2024-01-01,UKR\n", (),
         "no column gives the domain of the incidents: pass --domain"),
        ("headerless.csv", b",,\n1,2,3\n", (), "row 1 (the header row) is empty"),
        ("broken.json", b'[{"a": 1}, {"b": ', (), "not readable JSON"),
        ("nothing.json", b"[]", (), "the JSON holds no submissions"),
        ("missing.csv", None, (), "no such file"),
    ],
)  # fmt: skip
def test_unreadable_files_get_one_clear_message(
    org: Any, tmp_path: Path, capsys: Any, name: str, content: bytes | None, args: Any, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    elif name.endswith(".xlsx"):
        _zip_without_workbook(path)
    code, out, err = _cli(capsys, str(path), *args)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err + out
    assert not Incident.objects.exists()


def test_named_encoding_reads_a_legacy_file(org: Any, tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("Date;Pays;Admin 1\n2024-01-01;CIV;Sud-Comoé\n".encode("cp1252"))
    code, _, err = _cli(capsys, str(path), "--encoding", "cp1252", "--domain", "protection")
    assert code == 0, err
    assert Incident.objects.get().admin1_name == "Sud-Comoé"


def test_unknown_organisation_and_bad_mapping(org: Any, write_csv: Any, capsys: Any) -> None:
    path = write_csv("a.csv", [*HXL_HEADER, *hxl_rows(1)])
    code = main(["import", str(path), "--org", "nobody", "--no-progress"])
    assert code == 2 and "no organisation with code 'nobody'" in capsys.readouterr().err
    mapping = path.with_name("m.json")
    mapping.write_text('{"columns": {"Date": "when"}, "colour": 1}')
    code, _, err = _cli(capsys, str(path), "--mapping", str(mapping))
    assert code == 2
    assert "unknown key 'colour'" in err and "'when', which is not an incident field" in err


def test_dry_run_on_the_terminal(org: Any, write_csv: Any, capsys: Any) -> None:
    path = write_csv("a.csv", [*HXL_HEADER, *hxl_rows(3)])
    code, out, _ = _cli(capsys, str(path), "--dry-run", "--domain", "health_care_attack")
    assert code == 0 and "dry run (nothing written)" in out and "created 3" in out
    assert not Incident.objects.exists()


def test_header_only_file_imports_nothing(org: Any, write_csv: Any, capsys: Any) -> None:
    path = write_csv("a.csv", HXL_HEADER)
    code, out, _ = _cli(capsys, str(path), "--domain", "health_care_attack")
    assert code == 0 and "0 rows" in out


def test_bad_bytes_inside_a_file_fail_before_anything_is_written(
    org: Any, tmp_path: Path, capsys: Any
) -> None:
    buf = io.StringIO()
    csv.writer(buf).writerows([*HXL_HEADER, *hxl_rows(3000)])
    path = tmp_path / "late.csv"
    path.write_bytes(buf.getvalue().encode() + b"EV-X,2024-01-01,UKR,\xff\n")
    code, _, err = _cli(capsys, str(path), "--domain", "health_care_attack")
    assert code == 2 and "byte 0xff" in err
    assert not Incident.objects.exists()
