"""Plain CSV/XLSX (and Kobo JSON) with a saved column mapping, a small JSON file::

    {
      "columns": {"Date of incident": "occurred_on", "Pays": "country",
                  "Notes internes": null},
      "values": {"types": {"Bombardement": "heavy_weapons"}, "country": {"RDC": "COD"}},
      "defaults": {"domain": "health_care_attack"},
      "date_format": "%d/%m/%Y",
      "sheet": "Incidents",
      "header_row": 1
    }

``columns`` maps header texts to incident fields (``null``: leave the column out);
columns not named there are matched on their header text (and HXL tag, if a tag row
follows the header). ``values`` translates cell values per field before the
vocabularies are consulted; ``defaults`` fills fields no column gives.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ulinzi.incidents.validation import EDITABLE_FIELDS
from ulinzi.intake import values
from ulinzi.intake.formats import hxl
from ulinzi.intake.formats.base import Plan
from ulinzi.intake.formats.names import normalise

KEYS = ("columns", "values", "defaults", "date_format", "sheet", "header_row", "format")


class MappingError(Exception):
    """The mapping file is unreadable or names things that do not exist."""


@dataclass
class Mapping:
    columns: dict[str, str | None] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()
    sheet: str | None = None
    header_row: int = 1
    format: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "columns": self.columns,
            "values": self.values,
            "defaults": self.defaults,
            "date_format": list(self.date_formats),
            "sheet": self.sheet,
            "header_row": self.header_row,
        }

    def target(self, column: str) -> tuple[bool, str | None]:
        """(whether the mapping names ``column``, its target)."""
        if column in self.columns:
            return True, self.columns[column]
        key = normalise(column)
        for name, target in self.columns.items():
            if normalise(name) == key:
                return True, target
        return False, None


def load_mapping(path: Path | None) -> Mapping:
    """Read a mapping file (none: an empty mapping)."""
    if path is None:
        return Mapping()
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MappingError(f"mapping file {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise MappingError(f"mapping file {path}: must be a JSON object")
    problems = [f"unknown key {k!r}" for k in raw if k not in KEYS]
    columns = raw.get("columns") or {}
    targets = set(EDITABLE_FIELDS)
    for column, target in columns.items():
        if target is not None and target not in targets:
            problems.append(f"column {column!r} maps to {target!r}, which is not an incident field")
    for name in raw.get("defaults") or {}:
        if name not in targets:
            problems.append(f"default for {name!r}, which is not an incident field")
    fmt = raw.get("date_format") or []
    formats = (fmt,) if isinstance(fmt, str) else tuple(fmt)
    if problems:
        raise MappingError(f"mapping file {path}: " + "; ".join(problems))
    return Mapping(
        columns=dict(columns),
        values={k: dict(v) for k, v in (raw.get("values") or {}).items()},
        defaults=dict(raw.get("defaults") or {}),
        date_formats=formats,
        sheet=raw.get("sheet"),
        header_row=int(raw.get("header_row") or 1),
        format=raw.get("format"),
    )


def plan(
    header: Sequence[Any],
    tags: Sequence[Any] | None,
    mapping: Mapping,
    domain: str | None = None,
) -> Plan:
    """Columns the mapping names go where it says; the rest are matched by name/tag."""
    auto, notes, ignored = hxl.choose(header, tags)
    choices: list[hxl.Choice] = []
    for i, label, guessed in auto:
        named, target = mapping.target(label)
        if named and target is None:
            ignored[label] = "left out by the mapping"
            continue
        choices.append((i, label, target if named else guessed))
    for label in list(ignored):
        named, target = mapping.target(label)
        if named and target:
            index = next((i for i, h in enumerate(header) if values.text(h) == label), None)
            if index is not None:
                choices.append((index, label, target))
                del ignored[label]
    labels = {normalise(values.text(h)) for h in header}
    absent = [c for c in mapping.columns if normalise(c) not in labels]
    if absent:
        notes.append(f"the mapping names columns this file does not have: {', '.join(absent)}")
    return hxl.assemble(
        "mapped",
        header,
        choices,
        notes=notes,
        extra=mapping.values,
        domain=domain,
        date_formats=mapping.date_formats,
        header_rows=mapping.header_row + (1 if tags is not None else 0),
        defaults=mapping.defaults,
        ignored=ignored,
    )
