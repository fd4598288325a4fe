"""Serialise a release as HXL CSV, XLSX or GeoJSON, streaming rows to a binary file."""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from django.db.models import Avg, Count, QuerySet, Sum
from django.utils.translation import gettext as _

from ulinzi.common import safecsv
from ulinzi.common.problems import FieldProblem, InvalidInput
from ulinzi.incidents.models import COUNT_KINDS, Incident
from ulinzi.reports import centroids, xlsx
from ulinzi.reports.cells import Table, protect
from ulinzi.reports.columns import PUBLIC, columns_for
from ulinzi.reports.release_rows import Release

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
GRID_DEGREES = 0.5  # partners' map points are snapped to this grid


def write(fmt: str, release: Release, out: IO[bytes], qs: QuerySet[Incident]) -> None:
    if fmt == "hxl":
        write_hxl(release, out)
    elif fmt == "xlsx":
        write_xlsx(release, out)
    elif fmt == "geojson":
        write_geojson(release, out, qs)
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
    for row in release.rows():
        writer.writerow(row)
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
    if release.counted_rows is not None:  # public: identical records once, with a count
        titles.append(str(_("Incidents")))
        tags.append(COUNT_TAG)
        records: Iterable[Sequence[Any]] = ([*row, n] for row, n in release.counted_rows())
    else:
        records = release.rows()
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
        for i, line in enumerate(_report_rows(release.report)):
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


def _snap(value: float | None) -> float | None:
    if value is None:
        return None
    return (int(value // GRID_DEGREES) + 0.5) * GRID_DEGREES


def _partner_features(release: Release, qs: QuerySet[Incident]) -> list[dict[str, Any]]:
    """One feature per first-level area with exact figures (suppressed if ``k`` > 1)."""
    # null, not 0, where no report of the area records the kind: "not recorded"
    sums = {kind: Sum(kind) for kind in COUNT_KINDS}
    rows: list[dict[str, Any]] = [
        dict(r)
        for r in qs.order_by()
        .values("country", "admin1_pcode", "admin1_name")
        .annotate(incidents=Count("id"), lat=Avg("lat"), lon=Avg("lon"), **sums)
        .order_by("country", "admin1_pcode", "admin1_name")
    ]
    k = int(release.report.get("k_requested", 1))
    domains = (
        qs.order_by()
        .values("country", "admin1_pcode", "admin1_name", "domain")
        .annotate(n=Count("id"))
    )
    area = lambda r: f"{r['country']}|{r['admin1_pcode']}|{r['admin1_name']}"  # noqa: E731
    table = protect(
        Table.from_counts(
            "by_area_domain",
            "Incidents by area and domain",
            "area",
            {(area(r), r["domain"]): r["n"] for r in domains},
        ),
        k,
    )
    release.tables = [table]
    total = sum(r["incidents"] for r in rows)
    release.report.update(
        records_in=total,
        records_out=total,
        records_suppressed=0,
        k_achieved=None,
        cells_suppressed={table.name: len(table.hidden)},
        cells_primary={table.name: table.primary},
    )
    features: list[dict[str, Any]] = []
    _nr, nc = table.shape
    for row in rows:
        i = table.rows.index(area(row))
        hidden_row = table.shown(i, nc) is None
        props: dict[str, Any] = {
            "country": row["country"],
            "admin1_pcode": row["admin1_pcode"],
            "admin1_name": row["admin1_name"],
            "incidents": table.shown(i, nc),
            "incidents_by_domain": {d: table.shown(i, j) for j, d in enumerate(table.cols)},
            **{kind: (None if hidden_row else row[kind]) for kind in COUNT_KINDS},
        }
        where: tuple[float, float] | None = None
        if row["lat"] is not None and row["lon"] is not None:
            lon, lat = _snap(row["lon"]), _snap(row["lat"])
            where = (lon, lat) if lon is not None and lat is not None else None
        where = where or centroids.centroid(row["country"])
        geometry = _point(*where) if where else None
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return features


def write_geojson(release: Release, out: IO[bytes], qs: QuerySet[Incident]) -> None:
    """Areas, never incidents: countries at ``public``, first-level areas at ``partners``."""
    if release.level == PUBLIC:
        features = _public_features(release)
    else:
        features = _partner_features(release, qs)
    body = {
        "type": "FeatureCollection",
        "features": features,
        "ulinzi_disclosure": release.report,
    }
    out.write(json.dumps(body, ensure_ascii=False, default=str).encode("utf-8"))
