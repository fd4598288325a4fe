"""One release, whatever the format: every copy of its disclosure report says the same,
the audit log keeps what was published, and reports never overwrite each other."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from ulinzi.accounts.models import Organisation
from ulinzi.audit.models import AuditEvent
from ulinzi.reports import services
from ulinzi.reports.columns import PARTNER_COLUMNS, PUBLIC_COLUMNS
from ulinzi.reports.release.model import PartnerRecord, PublicRecord
from ulinzi.reports.tests.factories import incident

FORMATS = ("hxl", "xlsx", "geojson")


@pytest.fixture
def cluster(demo_orgs: Any) -> Organisation:
    org = Organisation.objects.get(code="cluster")
    for _ in range(3):
        incident(org, domain="gbv", types=["rape"])
    incident(org, domain="gbv", types=["rape"], admin1_pcode="UA51", admin1_name="Odeska")
    incident(org, killed=2)
    return org


def in_file(fmt: str, data: bytes, path: Path) -> dict[str, Any]:
    """The disclosure report as the export publishes it: the member of a GeoJSON, the
    sheet of an XLSX, the file beside an HXL CSV."""
    if fmt == "geojson":
        return dict(json.loads(data)["ulinzi_disclosure"])
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(data), read_only=True)["disclosure"]
        report: dict[str, Any] = {}
        for key, value in sheet.iter_rows(values_only=True):
            try:
                value = json.loads(value) if isinstance(value, str) else value
            except ValueError:
                pass
            if key == "partitions":  # a list of records, one a row
                report.setdefault("partitions", []).append(value)
            else:
                report[str(key)] = value
        return report
    return dict(json.loads(services.sidecar_path(path).read_text()))


def export(fmt: str, level: str, tmp_path: Path, k: int | None = None) -> dict[str, Any]:
    request = services.parse_request(fmt=fmt, level=level, k=k)
    path = tmp_path / f"out.{request.extension}"
    services.export_to_path(actor=None, request=request, path=path, via="test")
    return in_file(fmt, path.read_bytes(), path)


@pytest.mark.parametrize(("level", "k"), [("partners", None), ("partners", 2), ("public", 5)])
def test_every_format_publishes_the_same_report(
    cluster: Organisation, tmp_path: Path, level: str, k: int | None
) -> None:
    reports = {fmt: export(fmt, level, tmp_path, k) for fmt in FORMATS}
    if level == "partners" and k is None:
        # groups of the exact quasi-identifiers: 3 alike, the Odeska one and the other alone
        assert reports["hxl"]["k_achieved"] == 1
        assert reports["hxl"]["records_out"] == 5
    assert {fmt: r["k_achieved"] for fmt, r in reports.items()} == {
        fmt: reports["hxl"]["k_achieved"] for fmt in FORMATS
    }
    for fmt, report in reports.items():
        assert report["format"] == fmt
        same = {key: v for key, v in report.items() if key not in ("format", "generated_at")}
        first = {
            key: v for key, v in reports["hxl"].items() if key not in ("format", "generated_at")
        }
        assert same == first, fmt


@pytest.mark.parametrize("fmt", ["xlsx", "geojson"])  # the formats that carry their report
@pytest.mark.parametrize("level", ["partners", "public"])
def test_the_audit_entry_is_the_published_report(
    cluster: Organisation, tmp_path: Path, fmt: str, level: str
) -> None:
    published = export(fmt, level, tmp_path)
    detail = AuditEvent.objects.get(action="export").detail
    assert detail.pop("via") == "test"
    assert detail == {k: v for k, v in published.items() if k not in services.NOT_AUDITED}
    assert detail["records_in"] == 5


def test_two_exports_to_one_name_keep_both_reports(cluster: Organisation, tmp_path: Path) -> None:
    paths = {}
    for fmt in ("hxl", "geojson"):
        request = services.parse_request(fmt=fmt, level="partners", filters={"domain": "gbv"})
        paths[fmt] = tmp_path / f"gbv.{request.extension}"
        services.export_to_path(actor=None, request=request, path=paths[fmt], via="test")
    for fmt, path in paths.items():
        report = json.loads(services.sidecar_path(path).read_text())
        assert (report["format"], report["records_out"]) == (fmt, 4)
    assert len(list(tmp_path.glob("*.disclosure.json"))) == 2


def test_records_are_named_as_the_columns() -> None:
    assert PartnerRecord._fields == tuple(c.key for c in PARTNER_COLUMNS)
    assert PublicRecord._fields == tuple(c.key for c in PUBLIC_COLUMNS)
