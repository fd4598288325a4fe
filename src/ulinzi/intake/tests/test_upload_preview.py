"""Imports from the web: the preview of an uploaded file (columns, first rows, problems,
rewrites) before anything is written."""

from __future__ import annotations

import json
import stat
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from ulinzi.common import encrypted_files
from ulinzi.incidents.models import Incident
from ulinzi.intake.models import ImportRun

from .conftest import HXL_HEADER, II_FILE, hxl_rows
from .uploading import bad_rows, csv_bytes, drain, post_file, signed_in, token_of

pytestmark = pytest.mark.django_db


def test_preview_shows_mapping_first_rows_and_problems(user: Any, settings: Any) -> None:
    client = signed_in(user, "monitor")
    page = post_file(client, "partner.csv", csv_bytes(bad_rows()))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Preview of the import" in html
    assert '<span class="code">hxl</span>' in html
    # how each column is read, the fields named in words
    assert "<bdi>Country ISO</bdi></td>\n    <td>Country</td>" in html
    assert "<bdi>Description</bdi></td>\n    <td>What happened</td>" in html
    # the first ten data rows (file rows 3 to 12), two of them rejected with the reason
    preview = page.context["preview"]
    assert [r.row for r in preview.rows] == list(range(3, 13))
    assert [r.outcome for r in preview.rows].count("rejected") == 2
    assert [r.outcome for r in preview.rows].count("created") == 8
    assert preview.more
    problems = {(p.row, p.column, p.value) for p in preview.problems}
    assert (4, "Country ISO", "Atlantis") in problems
    assert any(
        p.row == 6 and p.column == "Date" and p.value == "2023-13-45" for p in preview.problems
    )
    assert "<td>4</td><td><bdi>Country ISO</bdi></td><td><bdi>Atlantis</bdi></td>" in html
    assert "EV-000000" in html and "2023-01-01" in html
    # values of vocabularies as their labels, never their codes
    assert "<td>Violence with heavy weapons (e.g. tanks, missiles, bombs, mortars)</td>" in html
    assert "heavy_weapons" not in html.split("preview-rows")[1]
    # nothing written; the upload is kept privately until confirmed or discarded
    assert not Incident.objects.exists() and not ImportRun.objects.exists()
    folder = Path(settings.DATA_DIR) / "imports" / "uploads" / token_of(page)
    stored = folder / "file" / "partner.csv"
    assert b"Atlantis" not in stored.read_bytes()  # encrypted
    assert encrypted_files.read_bytes(stored) == csv_bytes(bad_rows())
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o700
    # cancelling deletes it
    client.post("/imports/discard/", {"token": token_of(page)})
    assert not folder.exists()


def test_preview_of_a_workbook_with_a_tag_row(user: Any) -> None:
    page = post_file(signed_in(user, "coordinator"), II_FILE.name, II_FILE.read_bytes())
    preview = page.context["preview"]
    assert (preview.fmt, preview.container) == ("hxl", "xlsx")
    uses = {u.column: (u.kind, u.target) for u in preview.columns}
    assert uses["SiND Event ID"] == ("field", "source_id")
    assert uses["Event Description"] == ("field", "narrative")
    assert len(preview.rows) == 10 and preview.more


CONGO = "Congo, The Democratic Republic of the"  # pycountry's name of COD


def test_a_mapping_file_is_used_and_values_translated(user: Any) -> None:
    rows = [["Ref", "Date of incident", "Pays", "Notes"], ["A-1", "07/03/2021", "RDC", "x"]]
    mapping = {
        "columns": {"Ref": "source_id", "Date of incident": "occurred_on", "Pays": "country",
                    "Notes": None},
        "values": {"country": {"RDC": "COD"}},
        "defaults": {"domain": "protection"},
        "date_format": "%d/%m/%Y",
    }  # fmt: skip
    page = post_file(
        signed_in(user, "investigator"), "p.csv", csv_bytes(rows), json.dumps(mapping).encode()
    )
    preview = page.context["preview"]
    assert preview.fmt == "mapped"
    # the values in words: the domain, the precision and the country by their names
    assert [(r.outcome, r.cells) for r in preview.rows] == [
        (
            "created",
            ["A-1", "Protection incident", "2021-03-07", "exact day", CONGO],
        )
    ]
    assert preview.fields == ["source_id", "domain", "occurred_on", "occurred_precision", "country"]
    assert {u.column: u.kind for u in preview.columns}["Notes"] == "ignored"


@pytest.mark.parametrize(
    ("name", "content", "mapping", "expected"),
    [
        ("latin.csv", csv_bytes([["Date", "Country", "Note"], ["2023-01-01", "UKR", "café"]],
                                "cp1252"), None, "is not utf-8 text"),
        ("empty.csv", b"", None, "The submitted file is empty."),
        ("blank.csv", b"  \n\n", None, "blank.csv is empty (only blank space)"),
        ("report.pdf", b"%PDF-1.7\n...", None, "report.pdf is a PDF document"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", None, "old Excel .xls workbook"),
        ("broken.xlsx", b"PK\x03\x04not a zip", None, "not a readable XLSX workbook"),
        ("nodate.csv", csv_bytes([["Name", "Country"], ["x", "UKR"]]), None,
         "no column gives occurred_on"),
        ("bad.json", b'[{"a": 1', None, "not readable JSON"),
        ("ok.csv", csv_bytes([["Date", "Country"], ["2023-01-01", "UKR"]]), b"{not json",
         "mapping file mapping.json"),
        ("ok.csv", csv_bytes([["Date", "Country"], ["2023-01-01", "UKR"]]),
         b'{"columns": {"Date": "when"}}', "maps to 'when', which is not an incident field"),
    ],
)  # fmt: skip
def test_an_unreadable_file_gets_one_clear_message(
    user: Any, settings: Any, name: str, content: bytes, mapping: bytes | None, expected: str
) -> None:
    page = post_file(signed_in(user, "monitor"), name, content, mapping, domain="protection")
    assert page.status_code == 200
    html = unescape(page.content.decode())
    assert 'class="error-summary"' in html and "This file cannot be imported." in html
    assert expected in html, html[html.index("error-summary") :][:800]
    assert "Traceback" not in html and str(settings.DATA_DIR) not in html
    assert "--" not in html[html.index("error-summary") :][:800]  # no command-line options
    assert not any((Path(settings.DATA_DIR) / "imports" / "uploads").glob("*/meta.json"))
    assert not ImportRun.objects.exists()


def test_a_rewrite_is_shown_as_a_diff_and_applied_only_when_confirmed(user: Any) -> None:
    client = signed_in(user, "monitor")
    rows = [*HXL_HEADER, *hxl_rows(3)]
    post = client.post(
        "/imports/confirm/", {"token": token_of(post_file(client, "a.csv", csv_bytes(rows)))}
    )
    assert post.status_code == 302 and drain() == 1
    first = Incident.objects.get(source_id="EV-000000")
    # The same ids, now said to be protection incidents, with another story each.
    for row in rows[2:]:
        row[4], row[7] = "", f"Retold {row[0]}."
    page = post_file(client, "b.csv", csv_bytes(rows), domain="protection")
    html = unescape(page.content.decode())
    assert [r.outcome for r in page.context["preview"].rows] == ["held"] * 3
    assert "changes its record: confirm" in html and "Attack on health care" in html
    assert "Retold" not in html  # the narrative's diff says only that it changed
    client.post("/imports/confirm/", {"token": token_of(page)})
    assert drain() == 1
    run = ImportRun.objects.latest("pk")
    assert (run.held, run.updated) == (3, 0)
    assert client.get(f"/imports/{run.pk}/progress/").json()["held"] == 3
    first.refresh_from_db()
    assert first.domain == "health_care_attack"

    page = post_file(client, "c.csv", csv_bytes(rows), domain="protection")
    client.post("/imports/confirm/", {"token": token_of(page), "apply_changes": "1"})
    assert drain() == 1
    run = ImportRun.objects.latest("pk")
    assert (run.held, run.updated) == (0, 3)
    first.refresh_from_db()
    assert first.domain == "protection" and first.narrative == "Retold EV-000000."
    change = first.changes.filter(action="imported").last()
    assert change is not None and change.previous is not None
    assert change.previous["domain"] == "health_care_attack"
