"""What a release is (its records, tables, areas and disclosure report) and how the
incidents it is built from are read."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from django.db.models import F, QuerySet, TextField
from django.db.models.functions import Cast

from ulinzi.incidents.models import COUNT_FIELDS, COUNT_KINDS, Incident
from ulinzi.reports.cells import Table
from ulinzi.reports.columns import MULTI_SEP

CHUNK = 5000

Figure = int | str  # an exact number, or "" where the figure is left out or not recorded


class PublicRecord(NamedTuple):
    """One released public record, in the order of the public columns."""

    country: str
    period: str
    period_start: str
    period_end: str
    domain: str
    types: str
    resources: str
    facility_type: str
    cause: str
    certainty: str
    killed: str  # casualty figures as bands
    injured: str
    abducted: str
    arrested: str
    detained: str


class PartnerRecord(NamedTuple):
    """One released partners record, in the order of the partners columns."""

    id: str
    organisation: str
    country: str
    admin1_pcode: str
    admin1_name: str
    occurred_on: str
    domain: str
    types: str
    resources: str
    facility_type: str
    cause: str
    certainty: str
    perpetrator: str
    status: str
    killed: Figure
    killed_health_workers: Figure
    killed_patients: Figure
    killed_children: Figure
    injured: Figure
    injured_health_workers: Figure
    injured_patients: Figure
    injured_children: Figure
    abducted: Figure
    abducted_health_workers: Figure
    abducted_patients: Figure
    abducted_children: Figure
    arrested: Figure
    arrested_health_workers: Figure
    arrested_patients: Figure
    arrested_children: Figure
    detained: Figure
    detained_health_workers: Figure
    detained_patients: Figure
    detained_children: Figure


Record = PublicRecord | PartnerRecord
CountedRecords = Callable[[], Iterator[tuple[PublicRecord, int]]]


class Area(NamedTuple):
    """A first-level area on the partners map: where it is drawn and what it counts."""

    country: str
    admin1_pcode: str
    admin1_name: str
    point: tuple[float, float] | None  # (lon, lat), snapped to a grid, or the country's
    figures: dict[str, int | None]  # casualties by kind; None where no report records it
    row: int  # its row in the area table


@dataclass
class Release:
    """What an export shows, whatever its format: the records (streamed), tables, areas
    and the disclosure report.

    Some figures of the report (the partners level without ``k``) are counted while the
    records are read: :meth:`final_report` reads them first if no writer has."""

    level: str
    columns: list[str]
    records: Callable[[], Iterator[Record]]
    tables: list[Table] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)
    # Public level: each distinct record once with its number of incidents (for XLSX).
    counted_records: CountedRecords | None = None
    # Partners level: the first-level areas of the map, counted in the table "by_area_domain".
    areas: list[Area] = field(default_factory=list)
    count_records: Callable[[], None] | None = None  # completes the report without writing
    # When and from what it was made (``generated_at``, ``filters``): published first.
    header: dict[str, Any] = field(default_factory=dict)

    def final_report(self) -> dict[str, Any]:
        """The disclosure report, complete."""
        if self.count_records is not None:
            self.count_records()
        return self.report

    def published(self, fmt: str) -> dict[str, Any]:
        """The report as every copy of it is published: in the file, beside it, in the
        API's header and in the audit log."""
        return {"format": fmt, **self.header, **self.final_report()}


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


def counted_records_of(released: list[tuple[tuple[Any, ...], int]]) -> CountedRecords:
    """The counted records of released public values ``(country, period, domain, ...)
    → incidents``, sorted: each written with the period's first and last day."""

    def counted_records() -> Iterator[tuple[PublicRecord, int]]:
        """Each distinct released record once, with how many incidents it stands for."""
        bounds: dict[str, tuple[str, str]] = {}
        for values, n in released:
            period = str(values[1])
            if period not in bounds:
                bounds[period] = period_bounds(period)
            yield PublicRecord(values[0], period, *bounds[period], *values[2:]), n

    return counted_records


def repeated(counted: CountedRecords) -> Callable[[], Iterator[Record]]:
    """The records of ``counted``, each repeated as many times as its count."""

    def records() -> Iterator[Record]:
        for record, n in counted():
            for _ in range(n):
                yield record

    return records


# The fields read for each level.
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
    "organisation_name",
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
)


# What the partners quasi-identifiers are made of (see :func:`.partners._key`).
PARTNER_KEY_FIELDS = (
    "country",
    "domain",
    "types",
    "occurred_on",
    "occurred_precision",
    "admin1_pcode",
    "admin1_name",
    *COUNT_KINDS,
)


def read_partner_keys(qs: QuerySet[Incident]) -> Iterator[Any]:
    """Only what the quasi-identifiers of each incident are made of, as named tuples (to
    count the groups)."""
    return qs.order_by().values_list(*PARTNER_KEY_FIELDS, named=True).iterator(chunk_size=CHUNK)


def read_partners(qs: QuerySet[Incident]) -> Iterator[Any]:
    """The partners fields and the casualty figures of each incident, as named tuples."""
    return (
        qs.order_by()
        .annotate(organisation_name=F("organisation__name"))
        .values_list(*PARTNER_FIELDS, *COUNT_FIELDS, named=True)
        .iterator(chunk_size=CHUNK)
    )


def read_public(qs: QuerySet[Incident]) -> Iterator[tuple[Any, ...]]:
    """The public fields in :data:`PUBLIC_FIELDS` order, with the date and the JSON lists
    read as text: the same few texts repeat, so each is decoded once (see
    :func:`.public.build_public`)."""
    as_text = {name: Cast(name, TextField()) for name in ("occurred_on", "types", "resources")}
    fields = [f"x_{f}" if f in as_text else f for f in PUBLIC_FIELDS]
    return (
        qs.order_by()
        .annotate(**{f"x_{k}": v for k, v in as_text.items()})
        .values_list(*fields)
        .iterator(chunk_size=CHUNK)
    )
