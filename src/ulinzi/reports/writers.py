"""Serialise a release as HXL CSV, XLSX or GeoJSON, streaming records to a binary file.

A writer reads the release (:mod:`ulinzi.reports.release`) and nothing else: it neither
queries the database nor changes the release, so every format publishes the same report."""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from django.utils.translation import gettext as _

from ulinzi.common import safecsv
from ulinzi.common.problems import FieldProblem, InvalidInput
from ulinzi.reports import centroids, xlsx
from ulinzi.reports.cells import Table
from ulinzi.reports.columns import PUBLIC, columns_for
from ulinzi.reports.release import Release
from ulinzi.reports.release.partners import AREA_TABLE

FORMATS = ("hxl", "geojson", "xlsx")
EXTENSIONS = {"hxl": "csv", "geojson": "geojson", "xlsx": "xlsx"}
CONTENT_TYPES = {
    "hxl": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
HIDDEN_MARK = "x"
COUNT_TAG = "#meta+count"  # incidents a public XLSX row stands for
XLSX_MAX_ROWS = xlsx.SHEET_ROWS - 2  # a worksheet's limit, less the title and hashtag rows


def write(fmt: str, release: Release, out: IO[bytes]) -> None:
    """Write ``release`` to ``out`` as ``fmt``; the release is read, never changed."""
    if fmt == "hxl":
        write_hxl(release, out)
    elif fmt == "xlsx":
        write_xlsx(release, out)
    elif fmt == "geojson":
        write_geojson(release, out)
    else:
        raise ValueError(f"unknown format {fmt!r}")


def write_hxl(release: Release, out: IO[bytes]) -> None:
    """A plain CSV: titles, one row of HXL hashtags, then the records (formulas made
    inert)."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    writer = safecsv.Writer(text)
    cols = columns_for(release.level)
    writer.writerow([str(c.title) for c in cols])
    writer.writerow([c.hashtag for c in cols])
    for record in release.records():
        writer.writerow(record)
    text.flush()
    text.detach()


def _table_rows(table: Table) -> Iterator[list[Any]]:
    yield [table.row_label, *table.cols, "total"]
    nr, nc = table.shape
    for i in range(nr + 1):
        label = table.rows[i] if i < nr else "total"
        values = [table.shown(i, j) for j in range(nc + 1)]
        yield [label, *(HIDDEN_MARK if v is None else v for v in values)]


def _report_rows(report: dict[str, Any]) -> Iterator[list[Any]]:
    """Key and value; a list of records (the partitions) one record a row, as one cell
    holds at most 32,767 characters."""
    for key, value in report.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for item in value:
                yield [key, json.dumps(item)]
        elif isinstance(value, int | float | str):
            yield [key, value]
        else:
            yield [key, json.dumps(value)]


def write_xlsx(release: Release, out: IO[bytes]) -> None:
    """Records, the frequency tables and the disclosure report, one sheet each.

    XlsxWriter writes the workbook, titles, tables and report; the records' rows, which
    may be a million, are rendered by :mod:`ulinzi.reports.xlsx` and added to its sheet.
    Every text is written as text, never as a formula, link or number."""
    import xlsxwriter

    cols = columns_for(release.level)
    titles = [str(c.title) for c in cols]
    tags = [c.hashtag for c in cols]
    if release.counted_records is not None:  # public: identical records once, with a count
        titles.append(str(_("Incidents")))
        tags.append(COUNT_TAG)
        records: Iterable[Sequence[Any]] = ([*record, n] for record, n in release.counted_records())
    else:
        records = release.records()
    with tempfile.TemporaryFile(buffering=1 << 20) as rendered:
        rows = xlsx.RowWriter(rendered, len(titles), first_row=2)
        try:
            rows.write(records)
        except xlsx.TooManyRows:
            message = _("more records than a spreadsheet holds: use hxl or filters")
            raise InvalidInput([FieldProblem("format", message)]) from None
        # After the records: the partners report is complete only once they are read.
        book_bytes = io.BytesIO()
        book = xlsxwriter.Workbook(book_bytes, xlsx.OPTIONS)
        sheet = book.add_worksheet("incidents")
        xlsx.write_row(sheet, 0, titles)
        xlsx.write_row(sheet, 1, tags)
        for table in release.tables:
            ws = book.add_worksheet(table.name[:31])
            xlsx.write_row(ws, 0, [table.title])
            xlsx.write_row(
                ws,
                1,
                [
                    f"{HIDDEN_MARK} = suppressed (fewer than k, or hidden so that it cannot "
                    "be worked out from the totals)"
                ],
            )
            for i, line in enumerate(_table_rows(table), start=2):
                xlsx.write_row(ws, i, line)
        report = book.add_worksheet("disclosure")
        for i, line in enumerate(_report_rows(release.published("xlsx"))):
            xlsx.write_row(report, i, line)
        book.close()
        xlsx.splice(
            book_bytes.getvalue(),
            "xl/worksheets/sheet1.xml",
            rendered,
            len(titles),
            rows.last_row,
            out,
        )


def _point(lon: float | None, lat: float | None) -> dict[str, Any] | None:
    if lon is None or lat is None:
        return None
    return {"type": "Point", "coordinates": [round(lon, 4), round(lat, 4)]}


def _public_features(release: Release) -> list[dict[str, Any]]:
    tables = {t.name: t for t in release.tables}
    features: list[dict[str, Any]] = []
    by_domain = tables.get("by_domain")
    if by_domain is None:
        return features
    by_cause = tables.get("by_cause")
    _nr, nc = by_domain.shape
    for i, country in enumerate(by_domain.rows):
        props: dict[str, Any] = {
            "country": country,
            "incidents": by_domain.shown(i, nc),
            "incidents_by_domain": {d: by_domain.shown(i, j) for j, d in enumerate(by_domain.cols)},
        }
        if by_cause is not None and country in by_cause.rows:
            ci = by_cause.rows.index(country)
            props["incidents_by_cause"] = {
                c: by_cause.shown(ci, j) for j, c in enumerate(by_cause.cols)
            }
        where = centroids.centroid(country)
        geometry = _point(*where) if where else None
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return features


def _partner_features(release: Release) -> list[dict[str, Any]]:
    """One feature per first-level area: incidents by domain (small cells hidden) and
    casualty figures, as the release counted them."""
    table = next(t for t in release.tables if t.name == AREA_TABLE)
    _nr, nc = table.shape
    features: list[dict[str, Any]] = []
    for area in release.areas:
        props: dict[str, Any] = {
            "country": area.country,
            "admin1_pcode": area.admin1_pcode,
            "admin1_name": area.admin1_name,
            "incidents": table.shown(area.row, nc),
            "incidents_by_domain": {d: table.shown(area.row, j) for j, d in enumerate(table.cols)},
            **area.figures,
        }
        geometry = _point(*area.point) if area.point else None
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return features


def write_geojson(release: Release, out: IO[bytes]) -> None:
    """Areas, never incidents: countries at ``public``, first-level areas at ``partners``."""
    if release.level == PUBLIC:
        features = _public_features(release)
    else:
        features = _partner_features(release)
    body = {
        "type": "FeatureCollection",
        "features": features,
        "ulinzi_disclosure": release.published("geojson"),
    }
    out.write(json.dumps(body, ensure_ascii=False, default=str).encode("utf-8"))
