"""The partners release: exact records; with ``k`` above 1 a first read counts the
quasi-identifier groups and a second read writes the records that reach ``k``. Beside
them, the first-level areas of the map, with incidents by area and domain (small cells
hidden) and casualty figures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from operator import attrgetter
from typing import Any

from django.db.models import Avg, Count, QuerySet, Sum

from ulinzi.incidents.models import COUNT_FIELDS, COUNT_KINDS, Incident
from ulinzi.reports import centroids
from ulinzi.reports import disclosure as dc
from ulinzi.reports.cells import Table, protect
from ulinzi.reports.columns import PARTNERS, columns_for
from ulinzi.reports.disclosure_report import base_report
from ulinzi.reports.generalisation import PARTNER_HIERARCHIES
from ulinzi.reports.release.model import (
    Area,
    PartnerRecord,
    Release,
    date_label,
    multi,
    read_partner_keys,
    read_partners,
)

GRID_DEGREES = 0.5  # the map's points are snapped to this grid
AREA_TABLE = "by_area_domain"

# Where each quasi-identifier sits in a key (the order of PARTNER_HIERARCHIES).
_AT = {h.name: i for i, h in enumerate(PARTNER_HIERARCHIES)}
DATE, PLACE, CASUALTIES = _AT["date"], _AT["place"], _AT["casualties"]
_kinds = attrgetter(*COUNT_KINDS)
_figures = attrgetter(*COUNT_FIELDS)
# For each casualty field, where its kind's total sits among COUNT_KINDS (None for the
# figures of one group of people, left out when figures are banded).
_KIND_OF_FIELD = tuple(COUNT_KINDS.index(f) if f in COUNT_KINDS else None for f in COUNT_FIELDS)


def _key(row: Any) -> dc.Key:
    """The quasi-identifiers of a row read by :func:`.model.read_partners` or
    :func:`.model.read_partner_keys`."""
    return (
        row.country,
        row.domain,
        multi(row.types),
        date_label(row.occurred_on, row.occurred_precision),
        (row.admin1_pcode, row.admin1_name),
        _kinds(row),
    )


def _record(row: Any, key: dc.Key | None = None, levels: tuple[int, ...] = ()) -> PartnerRecord:
    """The record of ``row``; generalised as ``key`` says when a scheme coarsened it."""
    pcode, name = row.admin1_pcode, row.admin1_name
    when = date_label(row.occurred_on, row.occurred_precision)
    figures: tuple[int | None, ...] = _figures(row)
    if key is not None:  # generalised by a scheme: date, place, casualty figures
        when = str(key[DATE])
        if key[PLACE] == dc.SUPPRESSED_VALUE:
            pcode, name = "", ""
        if levels[CASUALTIES] > 0:
            bands = key[CASUALTIES]
            figures = tuple(None if i is None else bands[i] for i in _KIND_OF_FIELD)  # type: ignore[index]
    return PartnerRecord(
        str(row.id),
        row.organisation_name,
        row.country,
        pcode,
        name,
        when,
        row.domain,
        multi(row.types),
        multi(row.resources),
        row.facility_type,
        row.cause,
        row.certainty,
        row.perpetrator,
        row.status,
        *("" if n is None else n for n in figures),
    )


def build_partners(qs: QuerySet[Incident], k: int, max_share: float) -> Release:
    """The partners release of ``qs``: every record, or with ``k`` above 1 those whose
    generalised quasi-identifiers are shared by at least ``k``."""
    columns = [c.key for c in columns_for(PARTNERS)]
    report = base_report(PARTNERS, k, 0, max_share)
    areas, table = _areas(qs, k)
    cells = {
        "cells_suppressed": {table.name: len(table.hidden)},
        "cells_primary": {table.name: table.primary},
    }
    if k <= 1:
        report.update(
            generalisation={"date": "day", "place": "admin1", "casualties": "exact"},
            quasi_identifiers=[h.name for h in PARTNER_HIERARCHIES],
            **cells,
        )
        counted = False

        def tally(groups: Counter[dc.Key]) -> None:
            nonlocal counted
            n = sum(groups.values())
            report.update(
                records_in=n,
                records_out=n,
                records_suppressed=0,
                k_achieved=min(groups.values()) if groups else 0,
            )
            counted = True

        def records() -> Iterator[PartnerRecord]:
            groups: Counter[dc.Key] = Counter()
            for row in read_partners(qs):
                groups[_key(row)] += 1
                yield _record(row)
            tally(groups)

        def count_records() -> None:
            if not counted:
                tally(Counter(_key(row) for row in read_partner_keys(qs)))

        return Release(
            PARTNERS, columns, records, [table], report, areas=areas, count_records=count_records
        )
    groups = Counter(_key(row) for row in read_partner_keys(qs))
    records_in = sum(groups.values())
    scheme = dc.choose_scheme(
        groups, PARTNER_HIERARCHIES, k=k, max_suppressed=int(records_in * max_share)
    )
    project = dc.Projector(PARTNER_HIERARCHIES, scheme.levels)
    generalised = any(scheme.levels)

    def records_k() -> Iterator[PartnerRecord]:
        for row in read_partners(qs):
            key = project(_key(row))
            if scheme.group_sizes[key] >= k:
                yield _record(row, key if generalised else None, scheme.levels)

    report.update(
        records_in=records_in,
        records_out=records_in - scheme.suppressed,
        records_suppressed=scheme.suppressed,
        k_achieved=dc.k_achieved(scheme.group_sizes.values(), k),
        generalisation=scheme.describe(PARTNER_HIERARCHIES),
        information_loss=scheme.loss,
        quasi_identifiers=[h.name for h in PARTNER_HIERARCHIES],
        **cells,
    )
    return Release(PARTNERS, columns, records_k, [table], report, areas=areas)


def _snap(value: float) -> float:
    return (int(value // GRID_DEGREES) + 0.5) * GRID_DEGREES


def _areas(qs: QuerySet[Incident], k: int) -> tuple[list[Area], Table]:
    """The first-level areas of ``qs`` with their casualty figures (None, not 0, where no
    report of the area records the kind, or where its total is hidden), and the table of
    incidents by area and domain with cells under ``k`` hidden. A point is the mean of the
    area's coordinates snapped to the grid, or the country's centroid."""
    sums = {kind: Sum(kind) for kind in COUNT_KINDS}
    rows: list[dict[str, Any]] = [
        dict(r)
        for r in qs.order_by()
        .values("country", "admin1_pcode", "admin1_name")
        .annotate(lat=Avg("lat"), lon=Avg("lon"), **sums)
        .order_by("country", "admin1_pcode", "admin1_name")
    ]
    by_domain = (
        qs.order_by()
        .values("country", "admin1_pcode", "admin1_name", "domain")
        .annotate(n=Count("id"))
    )

    def area(r: Mapping[str, Any]) -> str:
        return f"{r['country']}|{r['admin1_pcode']}|{r['admin1_name']}"

    table = protect(
        Table.from_counts(
            AREA_TABLE,
            "Incidents by area and domain",
            "area",
            {(area(r), r["domain"]): r["n"] for r in by_domain},
        ),
        k,
    )
    at = {label: i for i, label in enumerate(table.rows)}
    total = table.shape[1]
    areas: list[Area] = []
    for r in rows:
        i = at[area(r)]
        hidden = table.shown(i, total) is None
        point: tuple[float, float] | None = None
        if r["lat"] is not None and r["lon"] is not None:
            point = (_snap(r["lon"]), _snap(r["lat"]))
        areas.append(
            Area(
                r["country"],
                r["admin1_pcode"],
                r["admin1_name"],
                point or centroids.centroid(r["country"]),
                {kind: None if hidden else r[kind] for kind in COUNT_KINDS},
                i,
            )
        )
    return areas, table
