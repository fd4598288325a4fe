"""The same exports from the API, the web page and the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from ulinzi.accounts.models import Organisation
from ulinzi.audit.models import AuditEvent
from ulinzi.reports.models import Export
from ulinzi.reports.tests.checks import read_hxl
from ulinzi.reports.tests.factories import SECRET_NARRATIVE, incident


@pytest.fixture
def cluster(demo_orgs: Any) -> Organisation:
    return Organisation.objects.get(code="cluster")


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_api_export_returns_the_file_and_its_disclosure_report(
    cluster: Organisation, api: Any
) -> None:
    incident(cluster, narrative=SECRET_NARRATIVE, killed=2)
    incident(cluster, country="SDN")
    response = api("analyst").get("/api/v1/exports/hxl?level=partners&country=ukr")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    report = json.loads(response["X-Ulinzi-Disclosure"])
    assert (report["level"], report["records_out"]) == ("partners", 1)
    data = body(response)
    _t, tags, rows = read_hxl(data)
    assert len(rows) == 1 and rows[0][tags.index("#affected+killed")] == "2"
    assert SECRET_NARRATIVE.encode() not in data
    assert AuditEvent.objects.filter(action="export", detail__via="api").count() == 1


def test_api_geojson_and_xlsx(cluster: Organisation, api: Any) -> None:
    for _ in range(6):
        incident(cluster)
    geo = api("coordinator").get("/api/v1/exports/geojson?level=public")
    collection = json.loads(body(geo))
    assert collection["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    assert feature["properties"]["incidents"] == 6
    assert feature["geometry"]["type"] == "Point"  # the country's centre, never an incident
    xlsx = api("coordinator").get("/api/v1/exports/xlsx")
    assert body(xlsx)[:2] == b"PK"


@pytest.mark.parametrize(
    ("query", "field"),
    [("level=world", "level"), ("k=1", "k"), ("date_to=soon", "date_to"), ("k=abc", "k")],
)
def test_api_bad_parameters_are_named(demo_orgs: Any, api: Any, query: str, field: str) -> None:
    response = api("analyst").get(f"/api/v1/exports/hxl?{query}")
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_web_export_shows_the_report_and_only_its_author_downloads(
    cluster: Organisation, user: Any
) -> None:
    for _ in range(5):
        incident(cluster)
    client = Client()
    client.force_login(user("coordinator"))
    assert client.get("/reports/export/").status_code == 200
    response = client.post("/reports/export/", {"format": "hxl", "level": "public", "k": "5"})
    assert response.status_code == 302
    record = Export.objects.get()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"Records out" in page.content and b"k achieved" in page.content
    download = client.get(f"/reports/export/{record.pk}/download/")
    _t, _tags, rows = read_hxl(body(download))
    assert len(rows) == 5
    sidecar = client.get(f"/reports/export/{record.pk}/disclosure.json")
    assert json.loads(body(sidecar))["records_out"] == 5

    other = Client()
    other.force_login(user("analyst"))
    assert other.get(f"/reports/export/{record.pk}/download/").status_code == 404
    assert other.get(f"/reports/export/{record.pk}/").status_code == 404


def test_web_export_result_in_words_and_an_empty_one_says_why(
    cluster: Organisation, user: Any
) -> None:
    for _ in range(2):  # fewer than k = 5: a public export leaves both out
        incident(cluster)
    client = Client()
    client.force_login(user("coordinator"))
    response = client.post("/reports/export/", {"format": "hxl", "level": "public", "k": "5"})
    html = client.get(response["Location"]).content.decode()
    assert "<dd>Public</dd>" in html and "<dd>HXL CSV</dd>" in html
    assert "This export holds no record: each group of records" in html
    assert "k = 5" in html
    removed = html.split("Fields never exported</dt><dd>")[1].split("</dd>")[0]
    assert "What happened" in removed and "Killed — Health workers" in removed
    assert "killed_health_workers" not in removed and "{}" not in html
    listed = client.get("/reports/export/").content.decode()
    assert "<td>HXL CSV</td><td>Public</td>" in listed


def test_web_export_form_names_bad_fields(demo_orgs: Any, user: Any) -> None:
    client = Client()
    client.force_login(user("analyst"))
    response = client.post("/reports/export/", {"format": "hxl", "level": "public", "k": "2"})
    assert response.status_code == 200
    assert b"must be from 5 to 100" in response.content
    assert not Export.objects.exists()


@pytest.mark.parametrize("username", ["monitor", "admin", "reporter", "party_focal_point"])
@pytest.mark.parametrize(
    "path",
    ["/reports/", "/reports/export/", "/reports/situation/", "/reports/mrm/", "/reports/ssa/"],
)
def test_web_pages_refuse_other_roles(demo_orgs: Any, user: Any, username: str, path: str) -> None:
    client = Client()
    client.force_login(user(username))
    assert client.get(path).status_code == 403


def test_web_export_refused_for_other_roles_on_post(demo_orgs: Any, user: Any) -> None:
    client = Client()
    client.force_login(user("monitor"))
    response = client.post("/reports/export/", {"format": "hxl", "level": "public"})
    assert response.status_code == 403
    assert not Export.objects.exists()


def test_cli_writes_the_file_and_the_sidecar(
    cluster: Organisation, tmp_path: Path, capsys: Any
) -> None:
    from ulinzi.cli import main

    for _ in range(3):
        incident(cluster, domain="gbv", types=["rape"])
    out = tmp_path / "gbv.csv"
    code = main(["export", "--format", "hxl", "--level", "partners", "--domain", "gbv",
                 "--output", str(out)])  # fmt: skip
    assert code == 0
    assert len(read_hxl(out.read_bytes())[2]) == 3
    report = json.loads((tmp_path / "gbv.csv.disclosure.json").read_text())
    assert report["records_out"] == 3 and report["filters"] == {"domain": "gbv"}
    assert '"records_out": 3' in capsys.readouterr().out
    assert AuditEvent.objects.get(action="export").detail["via"] == "cli"


def test_cli_refuses_bad_input_and_users_without_the_right(
    demo_orgs: Any, tmp_path: Path, capsys: Any
) -> None:
    from ulinzi.cli import main

    assert main(["export", "--format", "hxl", "--k", "1", "-o", str(tmp_path / "a.csv")]) == 2
    assert "--k: must be from 5 to 100" in capsys.readouterr().err
    out = tmp_path / "b.csv"
    assert main(["export", "--format", "hxl", "--as", "monitor", "-o", str(out)]) == 3
    assert not out.exists()


def test_stored_exports_are_forgotten_after_a_week(cluster: Organisation, user: Any) -> None:
    from datetime import UTC, datetime, timedelta

    from ulinzi.accounts.access import actor_for
    from ulinzi.reports import services

    request = services.parse_request(fmt="hxl", level="partners")
    record = services.export_to_store(actor=actor_for(user("analyst")), request=request)
    assert record.path.exists() and record.report_path.exists()
    assert services.forget_old_exports(datetime.now(UTC) + timedelta(days=6)) == 0
    assert services.forget_old_exports(datetime.now(UTC) + timedelta(days=8)) == 1
    assert not record.path.exists() and not Export.objects.exists()
    assert AuditEvent.objects.filter(action="export").count() == 1
