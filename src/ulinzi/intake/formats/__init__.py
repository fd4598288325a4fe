"""Import formats, and the choice of one for a file (``--format auto`` looks inside).

``ssa``: the WHO SSA public export. ``hxl``: a header row followed by HXL hashtags.
``csv``/``xlsx`` (plain tables): columns named like incident fields, or a mapping file.
``kobo``: KoboToolbox/ODK JSON submissions. A JSON list of flat records whose keys are a
spreadsheet's headers (Insecurity Insight's API: "Date", "Country ISO", "SiND Event ID"…)
is read as that spreadsheet: each record a row, its keys the header.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from ulinzi.intake import values
from ulinzi.intake.formats import hxl, kobo, mapped, ssa
from ulinzi.intake.formats.base import Plan, UnusableHeader
from ulinzi.intake.formats.mapped import Mapping
from ulinzi.intake.formats.names import header_target
from ulinzi.intake.readers import Source

FORMATS = ("auto", "ssa", "hxl", "csv", "xlsx", "kobo")
KOBO_SAMPLE = 50


def container_for(fmt: str) -> str | None:
    """The file container a ``--format`` value implies (None: look at the file)."""
    return {"csv": "csv", "xlsx": "xlsx", "kobo": "json"}.get(fmt)


def open_plan(
    source: Source, container: str, fmt: str, mapping: Mapping, domain: str | None
) -> tuple[Plan, Iterator[Any], int]:
    """Read the header (and tag row) and choose the plan.

    Returns the plan, the remaining data rows, and the row number of the first of them
    (as a spreadsheet shows it: the header is row 1).
    """
    rows = source.rows()
    if container == "json":
        sample = list(itertools.islice(rows, KOBO_SAMPLE))
        if not sample:
            raise UnusableHeader("the JSON holds no submissions")
        if fmt != "kobo" and not mapping.columns and is_table(sample):
            keys = list(dict.fromkeys(str(k) for record in sample for k in record))
            table = hxl.plan(keys, None, mapping.values, domain, mapping.date_formats)
            table.fmt = "json-table"
            table.key_by_name(keys)
            return table, itertools.chain(sample, rows), 1
        return kobo.KoboPlan(sample, mapping, domain), itertools.chain(sample, rows), 1
    for _ in range(mapping.header_row - 1):
        next(rows, None)
    header = next(rows, None)
    if header is None or all(values.blank(c) for c in header):
        raise UnusableHeader(f"row {mapping.header_row} (the header row) is empty")
    header = list(header)
    second = next(rows, None)
    tags = list(second) if second is not None and hxl.is_tag_row(second) else None
    while header and values.blank(header[-1]):
        if (
            tags is not None
            and len(tags) >= len(header)
            and not values.blank(tags[len(header) - 1])
        ):
            break
        header.pop()
    if second is not None and tags is None:
        rows = itertools.chain([second], rows)
    first = mapping.header_row + (2 if tags is not None else 1)
    if fmt == "ssa" or (fmt != "hxl" and not mapping.columns and ssa.matches(header)):
        return ssa.plan(header, mapping.values), rows, first
    if mapping.columns or mapping.defaults:
        return mapped.plan(header, tags, mapping, domain), rows, first
    result = hxl.plan(header, tags, mapping.values, domain, mapping.date_formats)
    if fmt == "hxl" and tags is None:
        result.notes.append("no row of HXL hashtags under the header: matched header texts")
    return result, rows, first


def is_table(sample: list[Any]) -> bool:
    """Whether JSON records are rows of a table: flat (no nested values, no Kobo/ODK
    metadata) with keys that name a date and a country as headers do (a Kobo question
    path such as ``incident/date`` names neither)."""
    keys: set[str] = set()
    for record in sample:
        if not isinstance(record, dict):
            return False
        if any(isinstance(v, dict | list) for v in record.values()):
            return False
        keys.update(str(k) for k in record)
    if any(k.startswith("_") for k in keys) or keys & kobo.METADATA:
        return False
    targets = {header_target(k) for k in keys}
    return "occurred_on" in targets and bool(targets & {"country", "x_country_name"})


__all__ = ["FORMATS", "Mapping", "Plan", "UnusableHeader", "container_for", "open_plan"]
