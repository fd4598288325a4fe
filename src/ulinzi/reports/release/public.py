"""The public release: distinct records counted in one read, generalised per country
and domain, written from the counts, with frequency tables beside them."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from django.db.models import QuerySet

from ulinzi.incidents.models import Incident
from ulinzi.reports import disclosure as dc
from ulinzi.reports.cells import Table, protect
from ulinzi.reports.columns import MULTI_SEP, PUBLIC, columns_for
from ulinzi.reports.disclosure_report import public_report
from ulinzi.reports.generalisation import plan_partitions
from ulinzi.reports.release.model import Release, counted_records_of, multi, read_public, repeated


def build_public(qs: QuerySet[Incident], k: int, max_share: float) -> Release:
    """The public release of ``qs``, with at least ``k`` incidents behind every record."""
    # One flat tuple per distinct record: country, domain, period, bands | types,
    # resources, facility type, cause, certainty. Repeated texts and figures are looked up.
    flat: Counter[tuple[Any, ...]] = Counter()
    type_texts: dict[str | None, str] = {}
    resource_texts: dict[str | None, str] = {}
    band_sets: dict[tuple[Any, ...], tuple[str, ...]] = {}
    for row in read_public(qs):
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
    plans = plan_partitions(partitions, k, max_share)
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
    counted = counted_records_of(ordered)
    tables = _public_tables(ordered, k)
    report = public_report(
        k=k,
        max_share=max_share,
        records_in=records_in,
        records_out=sum(n for _, n in ordered),
        plans=plans,
        partitions=partitions,
        tables=tables,
    )
    return Release(PUBLIC, columns, repeated(counted), tables, report, counted)


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
