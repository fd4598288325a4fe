"""Helpers of the web upload tests: files to post, a signed-in client, the worker's run."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from .conftest import HXL_HEADER, hxl_rows

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
