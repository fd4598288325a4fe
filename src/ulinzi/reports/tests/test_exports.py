"""Exports end to end: disclosure control holds on what is written, in every format."""

from __future__ import annotations

import io
import json
import random
import zipfile
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from ulinzi.accounts.access import actor_for
from ulinzi.accounts.models import Organisation
from ulinzi.audit.models import AuditEvent
from ulinzi.common.problems import InvalidInput, NotAllowed
from ulinzi.incidents.models import Incident
from ulinzi.reports import services
from ulinzi.reports.cells import Table
from ulinzi.reports.tests.checks import determined, k_of, read_hxl, shown_small
from ulinzi.reports.tests.factories import (
    SECRET_ADMIN2,
    SECRET_LAT,
    SECRET_LON,
    SECRET_NARRATIVE,
    SECRET_SOURCE_ID,
    bulk,
    incident,
    random_rows,
)

PUBLIC_QI = [0, 1, 4, 10, 11, 12, 13, 14]  # country, period, domain, casualty bands


def run(fmt: str, level: str, actor: Any = None, **filters: Any) -> tuple[bytes, dict[str, Any]]:
    k = filters.pop("k", None)
    request = services.parse_request(fmt=fmt, level=level, k=k, filters=filters)
    out = io.BytesIO()
    report = services.export(actor=actor, request=request, out=out, via="test")
    return out.getvalue(), report


def xlsx_tables(data: bytes) -> dict[str, list[list[Any]]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book}


def every_text(fmt: str, data: bytes) -> str:
    """All the bytes of an export as text (the XML inside an XLSX included)."""
    if fmt != "xlsx":
        return data.decode("utf-8")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(name).decode("utf-8", "replace") for name in z.namelist())


def table_from_sheet(rows: list[list[Any]]) -> Table:
    """Rebuild the protected table from an XLSX sheet (``x`` = hidden)."""
    body = rows[3:]
    header = rows[2]
    nr, nc = len(body) - 1, len(header) - 2
    values = [[0 if v == "x" else int(v) for v in r[1:]] for r in body]
    hidden = {(i, j) for i, r in enumerate(body) for j, v in enumerate(r[1:]) if v == "x"}
    table = Table("t", "t", "r", [str(r[0]) for r in body[:nr]], header[1 : nc + 1], values)
    table.hidden = hidden
    return table


@pytest.fixture
def cluster(demo_orgs: Any) -> Organisation:
    return Organisation.objects.get(code="cluster")


@given(
    seed=st.integers(min_value=0, max_value=10_000),
    n=st.integers(min_value=0, max_value=120),
    k=st.sampled_from([5, 6, 10]),
)
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_public_exports_are_k_anonymous_and_small_cells_stay_hidden(
    cluster: Organisation, seed: int, n: int, k: int
) -> None:
    Incident.objects.all().delete()
    bulk(cluster, random_rows(random.Random(seed), n))
    counted = Incident.objects.filter(status__in=("submitted", "verified")).count()

    data, report = run("hxl", "public", k=k)
    _titles, tags, rows = read_hxl(data)
    assert tags[0] == "#country+code"
    plain, canon = k_of(rows, PUBLIC_QI)
    assert plain == canon
    assert not rows or plain >= k
    assert report["records_in"] == counted
    assert report["records_out"] == len(rows)
    assert report["records_suppressed"] == counted - len(rows)
    assert report["k_achieved"] == plain

    book, _ = run("xlsx", "public", k=k)
    sheets = xlsx_tables(book)
    assert sheets["incidents"][1][-1] == "#meta+count"
    expanded = [
        ["" if v is None else str(v) for v in r[:-1]]
        for r in sheets["incidents"][2:]
        for _ in range(r[-1])
    ]
    assert sorted(expanded) == sorted(rows)
    for name, sheet in sheets.items():
        if name in ("incidents", "disclosure"):
            continue
        table = table_from_sheet(sheet)
        assert shown_small(table, k) == [], name
        assert determined(table) == [], name

    geo, _ = run("geojson", "public", k=k)
    for feature in json.loads(geo)["features"]:
        for value in feature["properties"]["incidents_by_domain"].values():
            assert value is None or value == 0 or value >= k


@pytest.mark.parametrize("fmt", ["hxl", "xlsx", "geojson"])
def test_no_narrative_name_point_source_or_admin2_in_a_public_export(
    cluster: Organisation, fmt: str
) -> None:
    rows = random_rows(random.Random(4), 200)
    for row in rows:  # every record carries the secrets
        row.update(
            narrative=SECRET_NARRATIVE,
            admin2_name=SECRET_ADMIN2,
            lat=SECRET_LAT,
            lon=SECRET_LON,
        )
        row["source_id"] = f"{SECRET_SOURCE_ID}-{id(row)}"
    bulk(cluster, rows)
    data, report = run(fmt, "public", k=5)
    text = every_text(fmt, data)
    assert report["records_out"] > 0
    for secret in (
        SECRET_NARRATIVE,
        "Amina",
        SECRET_ADMIN2,
        SECRET_SOURCE_ID,
        str(SECRET_LAT)[:6],
        str(SECRET_LON)[:6],
        "Northprov",  # admin1 names and codes are below the public level
        "ZZP0",
        cluster.name,
    ):
        assert secret not in text, (fmt, secret)
    assert "narrative" in report["fields_removed"]


@pytest.mark.parametrize("fmt", ["hxl", "xlsx", "geojson"])
def test_partners_exports_keep_admin1_and_exact_figures_but_no_narrative(
    cluster: Organisation, fmt: str
) -> None:
    incident(
        cluster,
        narrative=SECRET_NARRATIVE,
        admin2_name=SECRET_ADMIN2,
        lat=SECRET_LAT,
        lon=SECRET_LON,
        source_id=SECRET_SOURCE_ID,
        killed=3,
        killed_health_workers=2,
    )
    data, report = run(fmt, "partners")
    text = every_text(fmt, data)
    for secret in (SECRET_NARRATIVE, SECRET_ADMIN2, SECRET_SOURCE_ID, str(SECRET_LAT)):
        assert secret not in text, (fmt, secret)
    assert "Mykolaivska" in text
    assert report["records_out"] == 1
    if fmt == "hxl":
        _titles, tags, rows = read_hxl(data)
        record = dict(zip(tags, rows[0], strict=True))
        assert record["#adm1+pcode"] == "UA48"
        assert record["#date+occurred"] == "2024-03-05"
        assert record["#affected+killed"] == "3"
        assert record["#affected+killed+health_workers"] == "2"
        assert len(set(tags)) == len(tags)


def test_partners_with_k_generalise_dates_and_places(cluster: Organisation) -> None:
    from datetime import date

    bulk(
        cluster,
        [
            {
                "domain": "gbv",
                "occurred_on": date(2024, 5, d),
                "country": "UKR",
                "admin1_pcode": f"P{d % 3}",
                "status": "verified",
                "types": ["rape"],
            }
            for d in range(1, 11)
        ],
    )
    data, report = run("hxl", "partners", k=5)
    _t, tags, rows = read_hxl(data)
    dates = {r[tags.index("#date+occurred")] for r in rows}
    assert report["k_achieved"] >= 5
    assert len(rows) == 10
    assert dates == {"2024-05"}


def test_only_submitted_and_verified_records_are_exported(cluster: Organisation) -> None:
    for status in ("draft", "submitted", "verified", "rejected", "duplicate"):
        incident(cluster, status=status)
    _data, report = run("hxl", "partners")
    assert report["records_in"] == 2


def test_partners_level_holds_only_own_organisations_records(demo_orgs: Any, user: Any) -> None:
    from datetime import date

    from ulinzi.accounts.models import SharingAgreement

    cluster = Organisation.objects.get(code="cluster")
    amani = Organisation.objects.get(code="amani")
    SharingAgreement.objects.get_or_create(
        provider=amani,
        recipient=cluster,
        defaults={"domains": ["protection"], "valid_from": date(2020, 1, 1)},
    )
    incident(amani, domain="protection", types=["killing"])
    incident(cluster, domain="protection", types=["killing"])
    who = actor_for(user("analyst"))
    assert len(read_hxl(run("hxl", "partners", who)[0])[2]) == 1
    assert run("hxl", "public", who)[1]["records_in"] == 2


def test_export_is_audited(cluster: Organisation, user: Any) -> None:
    incident(cluster)
    run("xlsx", "public", actor_for(user("coordinator")), country="UKR")
    event = AuditEvent.objects.get(action="export")
    assert event.username == "coordinator"
    assert event.object_id == "xlsx:public"
    assert event.detail["filters"] == {"country": "UKR"}
    assert event.detail["records_in"] == 1


def test_roles_without_the_right_are_refused(demo_orgs: Any, user: Any) -> None:
    for name in ("monitor", "admin", "reporter", "case_worker", "party_focal_point"):
        with pytest.raises(NotAllowed):
            run("hxl", "public", actor_for(user(name)))


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"fmt": "pdf", "level": "public"}, "format"),
        ({"fmt": "hxl", "level": "everyone"}, "level"),
        ({"fmt": "hxl", "level": "public", "k": 2}, "k"),
        ({"fmt": "hxl", "level": "public", "k": "many"}, "k"),
        ({"fmt": "hxl", "level": "public", "filters": {"date_from": "yesterday"}}, "date_from"),
        ({"fmt": "hxl", "level": "public", "filters": {"domain": "weather"}}, "domain"),
    ],
)
def test_bad_requests_name_the_field(args: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.parse_request(**args)
    assert field in [p.field for p in caught.value.problems]
