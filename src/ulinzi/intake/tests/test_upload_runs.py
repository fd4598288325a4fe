"""Imports from the web: a confirmed upload imported by the worker, its progress,
resumes, and uploads swept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ulinzi.incidents.models import Incident
from ulinzi.intake.models import ImportRun

from .conftest import HXL_HEADER, hxl_rows
from .test_formats import KOBO
from .uploading import bad_rows, csv_bytes, drain, post_file, signed_in, token_of

pytestmark = pytest.mark.django_db


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

    from ulinzi.intake import services

    client = signed_in(user, "monitor")
    old = token_of(post_file(client, "a.csv", csv_bytes([*HXL_HEADER, *hxl_rows(2)])))
    new = token_of(post_file(client, "b.csv", csv_bytes([*HXL_HEADER, *hxl_rows(3)])))
    root = Path(settings.DATA_DIR) / "imports" / "uploads"
    assert services.sweep(timezone.now() + timedelta(hours=2)) == 0
    meta = json.loads((root / old / "meta.json").read_text())
    meta["staged_at"] = (timezone.now() - timedelta(days=2)).isoformat()
    (root / old / "meta.json").write_text(json.dumps(meta))
    assert services.sweep() == 1
    assert not (root / old).exists() and (root / new).exists()
    answer = client.post("/imports/confirm/", {"token": old})
    assert answer["Location"] == "/imports/" and not ImportRun.objects.exists()
