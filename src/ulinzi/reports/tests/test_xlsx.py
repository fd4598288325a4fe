"""XLSX exports write every text as text: no formula, link or number, whatever it holds."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

import pytest
from openpyxl import load_workbook

from ulinzi.accounts.models import Organisation
from ulinzi.reports import services, xlsx
from ulinzi.reports.tests.factories import incident

HOSTILE = [
    '=HYPERLINK("http://example.invalid/","open")',
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "http://example.invalid/",
    "mailto:someone@example.invalid",
    "007",
    "1e5",
    "<r><t>rich</t></r>",
    "<r>x</r></is><f>1+1</f><is><r>y</r>",
    "_x0041_",
    "bell\x07",
    " edges ",
    'a & b <c> "d"',
]


def excel_text(value: str) -> str:
    """What Excel shows for a stored text: ``_xHHHH_`` is the character HHHH (openpyxl
    reads inline strings without decoding it)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value)


def export(fmt: str, level: str, **filters: Any) -> bytes:
    request = services.parse_request(fmt=fmt, level=level, filters=filters)
    out = io.BytesIO()
    services.export(actor=None, request=request, out=out, via="test")
    return out.getvalue()


def xml_parts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name).decode("utf-8") for name in z.namelist()}


@pytest.fixture
def cluster(demo_orgs: Any) -> Organisation:
    return Organisation.objects.get(code="cluster")


def test_partner_texts_stay_text(cluster: Organisation) -> None:
    for i, value in enumerate(HOSTILE):
        short = value if len(value) <= 32 else ""  # the perpetrator field's length
        incident(cluster, admin1_name=value, perpetrator=short, admin1_pcode=f"P{i}")
    data = export("xlsx", "partners")
    parts = xml_parts(data)
    assert not any("<f>" in text for text in parts.values())
    assert not any("hyperlink" in name.lower() for name in parts)
    sheet = load_workbook(io.BytesIO(data))["incidents"]
    header = [c.value for c in sheet[2]]
    name_col = header.index("#adm1+name")
    perp_col = header.index("#group+perp")
    names, perpetrators = [], []
    for row in sheet.iter_rows(min_row=3):
        assert row[name_col].data_type == "s", row[name_col].value
        names.append(excel_text(str(row[name_col].value)))
        if row[perp_col].value is not None:
            assert row[perp_col].data_type == "s", row[perp_col].value
            perpetrators.append(excel_text(str(row[perp_col].value)))
    assert sorted(names) == sorted(HOSTILE)
    assert sorted(perpetrators) == sorted(v for v in HOSTILE if len(v) <= 32)


def test_public_texts_and_table_labels_stay_text(cluster: Organisation) -> None:
    for value in ("=1+1", "<r><t>rich</t></r>"):
        for _ in range(6):  # one group of at least k
            incident(cluster, cause=value)
    data = export("xlsx", "public")
    assert not any("<f>" in text for text in xml_parts(data).values())
    book = load_workbook(io.BytesIO(data))
    records = book["incidents"]
    cause_col = [c.value for c in records[2]].index("#cause")
    causes = {r[cause_col].value for r in records.iter_rows(min_row=3)}
    assert causes == {"=1+1", "<r><t>rich</t></r>"}
    header = [c.value for c in book["by_cause"][3]]
    assert {"=1+1", "<r><t>rich</t></r>"} <= set(header)
    assert all(c.data_type == "s" for c in book["by_cause"][3])


def test_control_characters_are_escaped_the_way_excel_does() -> None:
    out = io.BytesIO()
    rows = xlsx.RowWriter(out, 3, first_row=0)
    rows.write([["bell\x07", "tab\tkept", 3]])
    xml = out.getvalue().decode()
    assert "bell_x0007_" in xml
    assert "tab\tkept" in xml
    assert '<c r="C1"><v>3</v></c>' in xml


def test_a_sheet_never_holds_more_rows_than_excel() -> None:
    rows = xlsx.RowWriter(io.BytesIO(), 1, first_row=xlsx.SHEET_ROWS - 1)
    rows.write([["last"]])
    with pytest.raises(xlsx.TooManyRows):
        rows.write([["one too many"]])


def test_disclosure_sheet_lists_each_partition_on_its_own_row(cluster: Organisation) -> None:
    for country in ("UKR", "SDN", "COD"):
        for _ in range(6):
            incident(cluster, country=country)
    request = services.parse_request(fmt="xlsx", level="public", filters={})
    out = io.BytesIO()
    report = services.export(actor=None, request=request, out=out, via="test")
    rows = [list(r) for r in load_workbook(out, read_only=True)["disclosure"].values]
    partitions = [json.loads(str(value)) for key, value in rows if key == "partitions"]
    assert partitions == report["partitions"]
    assert len(partitions) == 3
    assert dict((k, v) for k, v in rows if k == "k_requested") == {"k_requested": 5}
