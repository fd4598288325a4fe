"""Imports from the web: who may upload, follow a run and download its rejects."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from ulinzi.intake.models import ImportRun

from .conftest import HXL_HEADER, hxl_rows
from .uploading import REFUSED, bad_rows, csv_bytes, drain, post_file, signed_in, token_of

pytestmark = pytest.mark.django_db


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
