"""The partners release: exact records; with ``k`` above 1 a first read counts the
quasi-identifier groups and a second read writes the records that reach ``k``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from ulinzi.incidents.models import COUNT_FIELDS, COUNT_KINDS, Incident
from ulinzi.reports import disclosure as dc
from ulinzi.reports.columns import PARTNERS, columns_for
from ulinzi.reports.disclosure_report import base_report
from ulinzi.reports.generalisation import PARTNER_HIERARCHIES
from ulinzi.reports.incident_reads import PARTNER_FIELDS, read
from ulinzi.reports.release_rows import Release, date_label, multi


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


def build_partners(qs: QuerySet[Incident], k: int, max_share: float) -> Release:
    """The partners release of ``qs``: every record, or with ``k`` above 1 those whose
    generalised quasi-identifiers are shared by at least ``k``."""
    columns = [c.key for c in columns_for(PARTNERS)]
    report = base_report(PARTNERS, k, 0, max_share)
    if k <= 1:
        groups: Counter[dc.Key] = Counter()

        def rows() -> Iterator[list[Any]]:
            for row in read(qs, PARTNER_FIELDS):
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
    groups = Counter(_partner_key(row) for row in read(qs, PARTNER_FIELDS))
    records_in = sum(groups.values())
    scheme = dc.choose_scheme(
        groups, PARTNER_HIERARCHIES, k=k, max_suppressed=int(records_in * max_share)
    )
    project = dc.Projector(PARTNER_HIERARCHIES, scheme.levels)
    generalised = any(scheme.levels)

    def rows_k() -> Iterator[list[Any]]:
        for row in read(qs, PARTNER_FIELDS):
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
