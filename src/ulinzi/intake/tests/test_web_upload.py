"""Imports from the web: upload, preview, confirm, the background run, its rejects."""

from __future__ import annotations

import csv
import io
import json
import stat
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ulinzi.common import encrypted_files
from ulinzi.incidents.models import Incident
from ulinzi.intake.models import ImportRun

from .conftest import HXL_HEADER, II_FILE, hxl_rows
from .test_formats import KOBO

pytestmark = pytest.mark.django_db

REFUSED = ("analyst", "admin", "reporter", "case_worker", "party_focal_point")


def drain() -> int:
    """Run every queued import task, as ``ulinzi worker`` would (same process)."""
    from django_tasks_db.models import DBTaskResult

    ran = 0
    for row in DBTaskResult.objects.ready().filter(task_path__endswith="import_upload"):
        row.claim("test-worker")
        task, result = row.task, row.task_result
        row.set_successful(task.call(*result.args, **result.kwargs))
        ran += 1
    return ran


def csv_bytes(rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def signed_in(user: Any, username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def post_file(
    client: Client, name: str, content: bytes, mapping: bytes | None = None, **fields: str
) -> Any:
    data: dict[str, Any] = {
        "file": SimpleUploadedFile(name, content),
        "format": "auto",
        "domain": "health_care_attack",
    }
    if mapping is not None:
        data["mapping"] = SimpleUploadedFile("mapping.json", mapping)
    data.update(fields)
    return client.post("/imports/", data)


def token_of(page: Any) -> str:
    html = page.content.decode()
    marker = 'name="token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def bad_rows() -> list[list[Any]]:
    rows = hxl_rows(12)
    rows[1][2] = "Atlantis"  # file row 4
    rows[3][1] = "2023-13-45"  # file row 6
    return [*HXL_HEADER, *rows]


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


def test_the_pages_are_for_those_who_import(user: Any, make_incident: Any) -> None:
    owner = signed_in(user, "monitor")
    page = post_file(owner, "a.csv", csv_bytes([*HXL_HEADER, *hxl_rows(3)]))
    token = token_of(page)
    owner.post("/imports/confirm/", {"token": token})
    run = ImportRun.objects.get()
    paths = ["/imports/", f"/imports/{run.pk}/", f"/imports/{run.pk}/progress/",
             f"/imports/{run.pk}/rejects.csv"]  # fmt: skip
    posts = ["/imports/", "/imports/confirm/", "/imports/discard/", f"/imports/{run.pk}/retry/"]
    for who in REFUSED:
        client = signed_in(user, who)
        for path in paths:
            assert client.get(path).status_code == 403, (who, path)
        for path in posts:
            assert client.post(path, {"token": token}).status_code == 403, (who, path)
    # the same roles of another organisation do not see this organisation's runs
    other = signed_in(user, "monitor2")
    for path in paths[1:]:
        assert other.get(path).status_code == 404, path
    assert other.post(f"/imports/{run.pk}/retry/").status_code == 404
    # nor use another user's upload
    refused = signed_in(user, "coordinator").post("/imports/confirm/", {"token": token})
    assert refused["Location"] == "/imports/"
    assert ImportRun.objects.count() == 1
    anonymous = Client()
    for path in paths:
        assert anonymous.get(path)["Location"].startswith("/login/"), path
    assert "/imports/" in owner.get("/incidents/").content.decode()
    assert 'href="/imports/"' not in signed_in(user, "analyst").get("/incidents/").content.decode()


def test_confirm_queues_a_task_that_imports_with_progress(user: Any, settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    client = signed_in(user, "monitor")
    content = csv_bytes(bad_rows())
    page = post_file(client, "partner.csv", content)
    folder = Path(settings.DATA_DIR) / "imports" / "uploads" / token_of(page)
    answer = client.post("/imports/confirm/", {"token": token_of(page)})
    run = ImportRun.objects.get()
    assert answer["Location"] == f"/imports/{run.pk}/"
    assert (run.status, run.fmt, run.file_name, run.requested_by) == (
        "queued", "hxl", "partner.csv", user("monitor"),
    )  # fmt: skip
    task = DBTaskResult.objects.get(id=run.task_id)
    assert task.task_path.endswith("import_upload") and task.args_kwargs["kwargs"] == {
        "run_id": run.pk
    }
    assert not Incident.objects.exists()
    # confirming twice gives the same run and queues nothing more
    again = client.post("/imports/confirm/", {"token": token_of(page)})
    assert again["Location"] == f"/imports/{run.pk}/"
    assert DBTaskResult.objects.filter(task_path__endswith="import_upload").count() == 1
    waiting = client.get(f"/imports/{run.pk}/progress/").json()
    assert (waiting["status"], waiting["finished"], waiting["rows_done"]) == ("queued", False, 0)
    html = client.get(f"/imports/{run.pk}/").content.decode()
    assert 'data-finished="0"' in html and "imports/run.js" in html

    assert drain() == 1
    run.refresh_from_db()
    assert (run.status, run.rows_done, run.created, run.rejected, run.blank) == (
        "done", 12, 10, 2, 0,
    )  # fmt: skip
    assert run.read_position == run.read_total == len(content)
    assert Incident.objects.filter(organisation__code="cluster").count() == 10
    done = client.get(f"/imports/{run.pk}/progress/").json()
    assert done == {
        "id": run.pk, "status": "done", "status_label": "Done", "finished": True,
        "percent": 100, "rows_done": 12, "imported": 10, "created": 10, "updated": 0,
        "unchanged": 0, "rejected": 2, "blank": 0, "held": 0, "message": "",
        "worker_seen": False,
    }  # fmt: skip
    html = client.get(f"/imports/{run.pk}/").content.decode()
    assert f'href="/imports/{run.pk}/rejects.csv"' in html and "Atlantis" in html
    assert not folder.exists() and run.upload == ""  # the upload is deleted once imported

    # The same file again: nothing doubled, every row unchanged.
    page = post_file(client, "partner-again.csv", content)
    assert "This very file was imported for this organisation before" in page.content.decode()
    assert [r.outcome for r in page.context["preview"].rows].count("unchanged") == 8
    client.post("/imports/confirm/", {"token": token_of(page)})
    assert drain() == 1
    second = ImportRun.objects.latest("pk")
    assert (second.status, second.created, second.unchanged, second.rejected) == ("done", 0, 10, 2)
    assert Incident.objects.count() == 10


def test_rejects_download_is_for_the_organisation_only(user: Any) -> None:
    client = signed_in(user, "coordinator")
    rows = bad_rows()
    rows[4][2] = "=HYPERLINK(1)"  # file row 5: an unknown country that looks like a formula
    page = post_file(client, "partner.csv", csv_bytes(rows))
    client.post("/imports/confirm/", {"token": token_of(page)})
    drain()
    run = ImportRun.objects.get()
    got = client.get(f"/imports/{run.pk}/rejects.csv")
    assert got.status_code == 200 and got["Content-Type"] == "text/csv"
    assert f'filename="{run.pk}-partner-rejects.csv"' in got["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(b"".join(got).decode())))
    assert lines[0] == ["row", "column", "value", "reason"]
    assert [(line[0], line[1], line[2]) for line in lines[1:]] == [
        ("4", "Country ISO", "Atlantis"),
        ("5", "Country ISO", "'=HYPERLINK(1)"),
        ("6", "Date", "2023-13-45"),
    ]
    for who in ("monitor2", "coordinator2"):
        assert signed_in(user, who).get(f"/imports/{run.pk}/rejects.csv").status_code == 404
    assert signed_in(user, "analyst").get(f"/imports/{run.pk}/rejects.csv").status_code == 403
    from ulinzi.audit.models import AuditEvent

    events = AuditEvent.objects.filter(object_id=str(run.pk))
    assert events.filter(action="export", object_type="import_rejects").count() == 1
    assert events.filter(action="import", object_type="import_run").count() == 1


def test_a_kobo_export_with_a_mapping_through_the_worker(user: Any) -> None:
    client = signed_in(user, "investigator")
    mapping = json.dumps({"columns": {"hw_killed": "killed_health_workers"}}).encode()
    page = post_file(client, "kobo.json", json.dumps(KOBO).encode(), mapping, format="kobo")
    preview = page.context["preview"]
    assert (preview.fmt, preview.container) == ("kobo", "json")
    uses = {u.column: (u.kind, u.target) for u in preview.columns}
    assert uses["meta/instanceID"] == ("field", "source_id")
    assert uses["victims/hw_killed"] == ("field", "killed_health_workers")
    assert uses["_geolocation"] == ("field", "lat, lon")
    assert uses["_submission_time"][0] == "ignored"
    assert [r.outcome for r in preview.rows] == ["created", "created"]
    client.post("/imports/confirm/", {"token": token_of(page)})
    drain()
    run = ImportRun.objects.get()
    assert (run.status, run.fmt, run.created) == ("done", "kobo", 2)
    first = Incident.objects.get(source_id="uuid:aa-101")
    assert (first.killed, first.killed_health_workers, first.types) == (
        2, 1, ["heavy_weapons", "setting_fire"]
    )  # fmt: skip


def test_a_file_changed_after_its_preview_is_not_imported(user: Any, settings: Any) -> None:
    client = signed_in(user, "monitor")
    good = csv_bytes([*HXL_HEADER, *hxl_rows(12)])
    page = post_file(client, "partner.csv", good)
    client.post("/imports/confirm/", {"token": token_of(page)})
    run = ImportRun.objects.get()
    # the stored file changes under the run: it is not the file that was previewed
    stored = Path(settings.DATA_DIR) / run.upload / "file" / "partner.csv"
    stored.write_bytes(good + b'"unclosed,2023-01-01,UKR\n')
    drain()
    run.refresh_from_db()
    assert run.status == "failed" and "is not the file import run" in run.message
    assert str(settings.DATA_DIR) not in run.message
    html = client.get(f"/imports/{run.pk}/").content.decode()
    assert run.message in html.replace("&#x27;", "'") and 'data-finished="1"' in html
    assert not Incident.objects.exists()


def test_a_run_whose_worker_died_can_be_started_again(user: Any, settings: Any) -> None:
    import socket
    import subprocess
    import sys

    client = signed_in(user, "monitor")
    page = post_file(client, "partner.csv", csv_bytes([*HXL_HEADER, *hxl_rows(12)]))
    client.post("/imports/confirm/", {"token": token_of(page)})
    run = ImportRun.objects.get()
    assert "Start again" not in client.get(f"/imports/{run.pk}/").content.decode()
    # as a worker killed mid-run leaves it: running, held by a process that is gone
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    ImportRun.objects.filter(pk=run.pk).update(
        status="running", pid=int(gone.stdout), host=socket.gethostname()
    )
    assert (
        "Start again from the last checkpoint" in client.get(f"/imports/{run.pk}/").content.decode()
    )
    assert client.post(f"/imports/{run.pk}/retry/").status_code == 302
    run.refresh_from_db()
    assert run.status == "queued"
    assert drain() == 2  # the first task, then the one queued again: the second finds it done
    run.refresh_from_db()
    assert (run.status, run.created) == ("done", 12)
    assert client.post(f"/imports/{run.pk}/retry/").status_code == 302  # nothing to restart
    assert ImportRun.objects.get().status == "done" and Incident.objects.count() == 12


def test_old_unconfirmed_uploads_are_swept(user: Any, settings: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from ulinzi.intake import uploads

    client = signed_in(user, "monitor")
    old = token_of(post_file(client, "a.csv", csv_bytes([*HXL_HEADER, *hxl_rows(2)])))
    new = token_of(post_file(client, "b.csv", csv_bytes([*HXL_HEADER, *hxl_rows(3)])))
    root = Path(settings.DATA_DIR) / "imports" / "uploads"
    assert uploads.sweep(timezone.now() + timedelta(hours=2)) == 0
    meta = json.loads((root / old / "meta.json").read_text())
    meta["staged_at"] = (timezone.now() - timedelta(days=2)).isoformat()
    (root / old / "meta.json").write_text(json.dumps(meta))
    assert uploads.sweep() == 1
    assert not (root / old).exists() and (root / new).exists()
    answer = client.post("/imports/confirm/", {"token": old})
    assert answer["Location"] == "/imports/" and not ImportRun.objects.exists()


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
