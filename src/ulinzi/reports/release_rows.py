"""The Release object (what an export shows) and the rows it hands to the writers."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ulinzi.reports.cells import Table
from ulinzi.reports.columns import MULTI_SEP

CountedRows = Callable[[], Iterator[tuple[list[Any], int]]]


@dataclass
class Release:
    """What an export shows: column order, a row source, tables and the report."""

    level: str
    columns: list[str]
    rows: Callable[[], Iterator[list[Any]]]
    tables: list[Table] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)
    # Public level: each distinct record once with its number of incidents (for XLSX).
    counted_rows: CountedRows | None = None


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


def counted_rows_of(released: list[tuple[tuple[Any, ...], int]]) -> CountedRows:
    """The counted row source of released public records ``(country, period, domain, ...)
    → incidents``, sorted: each written with the period's first and last day."""

    def counted_rows() -> Iterator[tuple[list[Any], int]]:
        """Each distinct released record once, with how many incidents it stands for."""
        bounds: dict[str, tuple[str, str]] = {}
        for values, n in released:
            period = str(values[1])
            if period not in bounds:
                bounds[period] = period_bounds(period)
            yield [values[0], period, *bounds[period], *values[2:]], n

    return counted_rows


def rows_of(counted_rows: CountedRows) -> Callable[[], Iterator[list[Any]]]:
    """The row source that repeats each counted record as many times as its count."""

    def rows() -> Iterator[list[Any]]:
        for record, n in counted_rows():
            for _ in range(n):
                yield record

    return rows
