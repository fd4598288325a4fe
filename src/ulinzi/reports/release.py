"""Build a release: the records (and tables) an export may show, and its disclosure report.

Public level: one read of the incidents counts the distinct fine-grained public records
(country, month, domain, casualty bands; with types, resources, facility type, cause and
certainty beside them); a generalisation scheme is chosen on those counts for each
country and domain; records are written from the counts, so the database is read once
whatever the size.

Partners level: exact records. With ``k`` above 1 a first read counts the
quasi-identifier groups and a second read writes the records that reach ``k``."""

from __future__ import annotations

import calendar
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from ulinzi.incidents.models import COUNT_FIELDS, COUNT_KINDS, Incident
from ulinzi.reports import disclosure as dc
from ulinzi.reports.cells import Table, protect
from ulinzi.reports.columns import (
    MULTI_SEP,
    NEVER_EXPORTED,
    PARTNERS,
    PUBLIC,
    PUBLIC_REMOVED,
    columns_for,
)

CHUNK = 5000
DEFAULT_K = 5
DEFAULT_MAX_SUPPRESSED_SHARE = 0.05

PUBLIC_FIELDS = (
    "country",
    "domain",
    "occurred_on",
    "occurred_precision",
    "types",
    "resources",
    "facility_type",
    "cause",
    "certainty",
    *COUNT_KINDS,
)
PARTNER_FIELDS = (
    "id",
    "organisation__name",
    "country",
    "admin1_pcode",
    "admin1_name",
    "occurred_on",
    "occurred_precision",
    "domain",
    "types",
    "resources",
    "facility_type",
    "cause",
    "certainty",
    "perpetrator",
    "status",
    *COUNT_FIELDS,
)

# Public quasi-identifiers (place, time, casualty figures, and the domain), in the order
# of the fine key; country and domain are never coarsened. What happened (types,
# resources, facility type) is published per incident as the SSA does, with cause and
# certainty; those are not generalised (see docs/disclosure-control.md).
PUBLIC_HIERARCHIES: tuple[dc.Hierarchy, ...] = (
    dc.Hierarchy("country", ("country",), 0, dc.drop),
    dc.Hierarchy("domain", ("domain",), 0, dc.drop),
    dc.Hierarchy(
        "period",
        ("month", "quarter", "year"),
        1.0,
        lambda v, lvl: dc.coarsen_period(str(v), lvl),
    ),
    dc.Hierarchy("casualties", dc.CASUALTY_LEVELS, 2.0, dc.coarsen_bands),
)
PARTNER_HIERARCHIES: tuple[dc.Hierarchy, ...] = (
    dc.Hierarchy("country", ("country",), 0, dc.drop),
    dc.Hierarchy("domain", ("domain",), 0, dc.drop),
    dc.Hierarchy("types", ("types",), 0, dc.drop),
    dc.Hierarchy("date", ("day", "month", "year"), 1.0, lambda v, lvl: dc.coarsen_day(str(v), lvl)),
    dc.Hierarchy("place", ("admin1", "country"), 2.0, dc.drop),
    dc.Hierarchy(
        "casualties",
        ("exact", "bands 0/1/2-4/5-9/10+", "bands 0/1-4/5+"),
        1.0,
        lambda v, lvl: (
            v
            if lvl == 0
            else tuple(  # type: ignore[union-attr]
                dc.coarsen_band(dc.band(n), lvl - 1) if n is not None else "" for n in v
            )
        ),
    ),
)


@dataclass
class Release:
    """What an export shows: column order, a row source, tables and the report."""

    level: str
    columns: list[str]
    rows: Callable[[], Iterator[list[Any]]]
    tables: list[Table] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)
    # Public level: each distinct record once with its number of incidents (for XLSX).
    counted_rows: Callable[[], Iterator[tuple[list[Any], int]]] | None = None


def multi(codes: list[str] | None) -> str:
    return MULTI_SEP.join(sorted(set(codes or ())))


def period_bounds(label: str) -> tuple[str, str]:
    """First and last day of ``YYYY``, ``YYYY-Qn`` or ``YYYY-MM``."""
    year = int(label[:4])
    if len(label) == 4:
        return f"{year:04d}-01-01", f"{year:04d}-12-31"
    if label[5] == "Q":
        first = (int(label[6]) - 1) * 3 + 1
        last = first + 2
    else:
        first = last = int(label[5:7])
    end = calendar.monthrange(year, last)[1]
    return f"{year:04d}-{first:02d}-01", f"{year:04d}-{last:02d}-{end:02d}"


def date_label(day: date, precision: str) -> str:
    """ISO 8601 at the precision the date is known: ``2024-03-05``, ``2024-03`` or ``2024``."""
    iso = day.isoformat()
    return iso[:4] if precision == "year" else iso[:7] if precision == "month" else iso


def _read(qs: QuerySet[Incident], fields: tuple[str, ...]) -> Iterator[tuple[Any, ...]]:
    return qs.order_by().values_list(*fields).iterator(chunk_size=CHUNK)


def _base_report(level: str, k: int, records_in: int, max_share: float) -> dict[str, Any]:
    removed = list(NEVER_EXPORTED) + (list(PUBLIC_REMOVED) if level == PUBLIC else [])
    return {
        "level": level,
        "k_requested": k,
        "records_in": records_in,
        "suppression_limit": max_share,
        "fields_removed": removed,
    }


def build(
    qs: QuerySet[Incident],
    *,
    level: str,
    k: int | None = None,
    max_suppressed_share: float = DEFAULT_MAX_SUPPRESSED_SHARE,
) -> Release:
    """The release of ``qs`` (already scoped and filtered) at ``level``."""
    if level == PUBLIC:
        return _public(qs, k or DEFAULT_K, max_suppressed_share)
    if level == PARTNERS:
        return _partners(qs, k or 1, max_suppressed_share)
    raise ValueError(f"unknown level {level!r}")


# ---------------------------------------------------------------- public


def _public_rows(qs: QuerySet[Incident]) -> Iterator[tuple[Any, ...]]:
    """The public fields, with the date and the JSON lists read as text: the same few
    texts repeat, so each is decoded once (see :func:`_public`)."""
    as_text = {name: Cast(name, TextField()) for name in ("occurred_on", "types", "resources")}
    fields = [f"x_{f}" if f in as_text else f for f in PUBLIC_FIELDS]
    return (
        qs.order_by()
        .annotate(**{f"x_{k}": v for k, v in as_text.items()})
        .values_list(*fields)
        .iterator(chunk_size=CHUNK)
    )


def _public(qs: QuerySet[Incident], k: int, max_share: float) -> Release:
    # One flat tuple per distinct record: country, domain, period, bands | types,
    # resources, facility type, cause, certainty. Repeated texts and figures are looked up.
    flat: Counter[tuple[Any, ...]] = Counter()
    type_texts: dict[str | None, str] = {}
    resource_texts: dict[str | None, str] = {}
    band_sets: dict[tuple[Any, ...], tuple[str, ...]] = {}
    for row in _public_rows(qs):
        country, domain, day, precision, types, resources, facility, cause, certainty = row[:9]
        figures = row[9:]
        bands = band_sets.get(figures)
        if bands is None:
            bands = band_sets[figures] = tuple(dc.band(n) for n in figures)
        kinds = type_texts.get(types)
        if kinds is None:
            kinds = type_texts[types] = multi(json.loads(types) if types else [])
        hit = resource_texts.get(resources)
        if hit is None:
            hit = resource_texts[resources] = multi(json.loads(resources) if resources else [])
        flat[
            (
                country,
                domain,
                day[:4] if precision == "year" else day[:7],
                bands,
                kinds,
                hit,
                facility or "",
                cause or "",
                certainty or "",
            )
        ] += 1
    records_in = sum(flat.values())
    partitions: dict[tuple[str, str], Counter[dc.Key]] = {}
    for key, n in flat.items():
        part = partitions.get(key[:2])
        if part is None:
            part = partitions[key[:2]] = Counter()
        part[key[:4]] += n
    plans = _plan_partitions(partitions, k, max_share)
    # Released records: (country, period, domain, types, resources, facility type, cause,
    # certainty, *bands) → incidents; each quasi-identifier group is projected once.
    merged: dict[tuple[Any, ...], int] = {}
    projected: dict[dc.Key, dc.Key | None] = {}
    for key, n in flat.items():
        qi = key[:4]
        if qi in projected:
            out = projected[qi]
        else:
            plan = plans.get(key[:2])
            out = plan.project(qi) if plan is not None else None
            if out is not None and plan is not None and plan.scheme.group_sizes[out] < k:
                out = None
            projected[qi] = out
        if out is None:
            continue
        record = (out[0], out[2], out[1], *key[4:], *out[3])
        merged[record] = merged.get(record, 0) + n
    del flat, projected
    ordered = sorted(merged.items(), key=lambda item: item[0][:3])
    del merged
    columns = [c.key for c in columns_for(PUBLIC)]

    def counted_rows() -> Iterator[tuple[list[Any], int]]:
        """Each distinct released record once, with how many incidents it stands for."""
        bounds: dict[str, tuple[str, str]] = {}
        for values, n in ordered:
            period = str(values[1])
            if period not in bounds:
                bounds[period] = period_bounds(period)
            yield [values[0], period, *bounds[period], *values[2:]], n

    def rows() -> Iterator[list[Any]]:
        for record, n in counted_rows():
            for _ in range(n):
                yield record

    tables = _public_tables(ordered, k)
    report = _base_report(PUBLIC, k, records_in, max_share)
    records_out = sum(n for _, n in ordered)
    sizes = [n for plan in plans.values() for n in plan.scheme.group_sizes.values()]
    report.update(
        records_out=records_out,
        records_suppressed=records_in - records_out,
        k_achieved=dc.k_achieved(sizes, k),
        **_generalisation_report(plans, partitions),
        quasi_identifiers=[h.name for h in PUBLIC_HIERARCHIES],
        cells_suppressed={t.name: len(t.hidden) for t in tables},
        cells_primary={t.name: t.primary for t in tables},
    )
    return Release(PUBLIC, columns, rows, tables, report, counted_rows)


@dataclass
class Plan:
    """The generalisation chosen for one country and domain."""

    scheme: dc.Scheme
    project: dc.Projector


def _plan_partitions(
    partitions: dict[tuple[str, str], Counter[dc.Key]], k: int, max_share: float
) -> dict[tuple[str, str], Plan]:
    """A scheme per country and domain (groups never span two of them, so each may be
    generalised only as much as its own records need); none where fewer than ``k``."""
    plans: dict[tuple[str, str], Plan] = {}
    for part, groups in partitions.items():
        total = sum(groups.values())
        if total < k:
            continue
        scheme = dc.choose_scheme(
            groups, PUBLIC_HIERARCHIES, k=k, max_suppressed=int(total * max_share)
        )
        plans[part] = Plan(scheme, dc.Projector(PUBLIC_HIERARCHIES, scheme.levels))
    return plans


def _generalisation_report(
    plans: dict[tuple[str, str], Plan], partitions: dict[tuple[str, str], Counter[dc.Key]]
) -> dict[str, Any]:
    """Records released at each level of each attribute, the records-weighted loss, and
    the scheme of every country and domain."""
    levels: dict[str, Counter[str]] = {h.name: Counter() for h in PUBLIC_HIERARCHIES}
    detail = []
    loss = 0.0
    out_total = 0
    for (country, domain), groups in sorted(partitions.items()):
        records = sum(groups.values())
        plan = plans.get((country, domain))
        if plan is None:
            detail.append(
                {
                    "country": country,
                    "domain": domain,
                    "records_in": records,
                    "records_out": 0,
                    "levels": None,
                }
            )
            continue
        described = plan.scheme.describe(PUBLIC_HIERARCHIES)
        kept = records - plan.scheme.suppressed
        for name, level in described.items():
            levels[name][level] += kept
        loss += plan.scheme.loss * kept
        out_total += kept
        detail.append(
            {
                "country": country,
                "domain": domain,
                "records_in": records,
                "records_out": kept,
                "levels": described,
            }
        )
    return {
        "generalisation": {
            name: dict(counts)
            for name, counts in levels.items()
            if name not in ("country", "domain")
        },
        "information_loss": round(loss / out_total, 3) if out_total else 0.0,
        "partitions": detail,
    }


def _public_tables(released: list[tuple[tuple[Any, ...], int]], k: int) -> list[Table]:
    """Frequency tables of the released records, with small cells suppressed."""
    by_domain: Counter[tuple[str, str]] = Counter()
    by_period: Counter[tuple[str, str]] = Counter()
    by_cause: Counter[tuple[str, str]] = Counter()
    by_certainty: Counter[tuple[str, str]] = Counter()
    by_type: Counter[tuple[str, str]] = Counter()
    for (country, period, domain, types, _r, _f, cause, certainty, *_b), n in released:
        by_domain[(country, domain)] += n
        by_period[(f"{country} {period}", domain)] += n
        by_cause[(country, cause or "unknown")] += n
        by_certainty[(country, certainty or "unknown")] += n
        if types != dc.SUPPRESSED_VALUE:
            for code in types.split(MULTI_SEP) if types else ["unknown"]:
                by_type[(country, f"{domain}:{code}")] += n
    specs = [
        ("by_domain", "Incidents by country and domain", "country", by_domain),
        ("by_period", "Incidents by country, period and domain", "country period", by_period),
        ("by_cause", "Incidents by country and cause", "country", by_cause),
        ("by_certainty", "Incidents by country and certainty", "country", by_certainty),
        ("by_type", "Incident types by country (one count per type)", "country", by_type),
    ]
    return [
        protect(Table.from_counts(name, title, row_label, counts), k)
        for name, title, row_label, counts in specs
        if counts
    ]


# ---------------------------------------------------------------- partners


def _partner_key(row: tuple[Any, ...]) -> dc.Key:
    return (
        row[2],
        row[7],
        multi(row[8]),
        date_label(row[5], row[6]),
        (row[3], row[4]),
        tuple(row[15 + i * 4] for i in range(len(COUNT_KINDS))),
    )


def _partner_record(
    row: tuple[Any, ...], key: dc.Key | None = None, levels: tuple[int, ...] = ()
) -> list[Any]:
    (
        ident,
        org,
        country,
        pcode,
        name,
        day,
        precision,
        domain,
        types,
        resources,
        facility,
        cause,
        certainty,
        perpetrator,
        status,
    ) = row[:15]
    counts: list[Any] = list(row[15:])
    when = date_label(day, precision)
    if key is not None:  # generalised by a scheme: date, place, casualty figures
        when = str(key[3])
        if key[4] == dc.SUPPRESSED_VALUE:
            pcode, name = "", ""
        if levels[5] > 0:
            totals = key[5]
            counts = [
                totals[i // 4] if i % 4 == 0 else None  # type: ignore[index]
                for i in range(len(COUNT_FIELDS))
            ]
    return [
        str(ident),
        org,
        country,
        pcode,
        name,
        when,
        domain,
        multi(types),
        multi(resources),
        facility,
        cause,
        certainty,
        perpetrator,
        status,
        *("" if n is None else n for n in counts),
    ]


def _partners(qs: QuerySet[Incident], k: int, max_share: float) -> Release:
    columns = [c.key for c in columns_for(PARTNERS)]
    report = _base_report(PARTNERS, k, 0, max_share)
    if k <= 1:
        groups: Counter[dc.Key] = Counter()

        def rows() -> Iterator[list[Any]]:
            for row in _read(qs, PARTNER_FIELDS):
                groups[_partner_key(row)] += 1
                yield _partner_record(row)
            n = sum(groups.values())
            report.update(
                records_in=n,
                records_out=n,
                records_suppressed=0,
                k_achieved=min(groups.values()) if groups else 0,
            )

        report.update(
            generalisation={"date": "day", "place": "admin1", "casualties": "exact"},
            quasi_identifiers=[h.name for h in PARTNER_HIERARCHIES],
            cells_suppressed={},
        )
        return Release(PARTNERS, columns, rows, [], report)
    groups = Counter(_partner_key(row) for row in _read(qs, PARTNER_FIELDS))
    records_in = sum(groups.values())
    scheme = dc.choose_scheme(
        groups, PARTNER_HIERARCHIES, k=k, max_suppressed=int(records_in * max_share)
    )
    project = dc.Projector(PARTNER_HIERARCHIES, scheme.levels)
    generalised = any(scheme.levels)

    def rows_k() -> Iterator[list[Any]]:
        for row in _read(qs, PARTNER_FIELDS):
            key = project(_partner_key(row))
            if scheme.group_sizes[key] >= k:
                yield _partner_record(row, key if generalised else None, scheme.levels)

    report.update(
        records_in=records_in,
        records_out=records_in - scheme.suppressed,
        records_suppressed=scheme.suppressed,
        k_achieved=dc.k_achieved(scheme.group_sizes.values(), k),
        generalisation=scheme.describe(PARTNER_HIERARCHIES),
        information_loss=scheme.loss,
        quasi_identifiers=[h.name for h in PARTNER_HIERARCHIES],
        cells_suppressed={},
    )
    return Release(PARTNERS, columns, rows_k, [], report)
