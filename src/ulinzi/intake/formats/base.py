"""A :class:`Plan` says how the columns of one file become incident fields.

Formats build a plan from the header (and tag row); the importer then calls
``plan.convert(row)`` for every data row, which returns the values to validate and the
problems met on the way (each naming the source column, value and reason).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from ulinzi.incidents.models import COUNT_GROUPS, COUNT_KINDS
from ulinzi.intake import values
from ulinzi.vocab import registry

Converter = Callable[[Any], Any]
Finisher = Callable[[dict[str, Any], Any, list["Problem"]], None]


class UnusableHeader(Exception):
    """The header cannot give what an incident needs (message for the user)."""


@dataclass(frozen=True)
class Problem:
    """Why (part of) a source row could not be imported."""

    column: str
    value: Any
    reason: str
    target: str = ""  # the field it was for ("": unknown, counted as required)


@dataclass
class Binding:
    """One source column feeding one target (an incident field, or ``x_…`` for a
    format's own intermediate value)."""

    key: int | str
    column: str
    target: str
    convert: Converter


@dataclass
class Plan:
    fmt: str
    header: list[str]
    bindings: list[Binding]
    defaults: dict[str, Any] = field(default_factory=dict)
    ignored: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    field_columns: dict[str, str] = field(default_factory=dict)
    finish: Finisher | None = None
    header_rows: int = 1
    text_rows: bool = False  # every cell is text (CSV): raw rows need no conversion
    dataset: str = ""  # the organisation's dataset the rows belong to (see intake.datasets)
    event_ids: bool = False  # the source id is also the publisher's cross-dataset event id

    def __post_init__(self) -> None:
        for b in self.bindings:
            self.field_columns.setdefault(b.target, b.column)
        self._keys = raw_keys(self.header)
        self._steps = [(b.key, b.column, b.target, b.convert) for b in self.bindings]

    def key_by_name(self, keys: Sequence[str]) -> None:
        """Read rows given as dicts (JSON records, ``keys`` their header) instead of lists."""
        for b in self.bindings:
            if isinstance(b.key, int):
                b.key = keys[b.key]
        self._steps = [(b.key, b.column, b.target, b.convert) for b in self.bindings]

    def convert(self, row: Any) -> tuple[dict[str, Any], list[Problem]]:
        """Source row → (values for :func:`validation.clean`, problems)."""
        data = dict(self.defaults)
        problems: list[Problem] = []
        is_list = not isinstance(row, dict)
        size = len(row) if is_list else 0
        for key, column, target, convert in self._steps:
            if is_list:
                value = row[key] if key < size else None  # type: ignore[operator]
            else:
                value = row.get(key)
            try:
                data[target] = convert(value)
            except ValueError as exc:
                problems.append(Problem(column, value, str(exc), target))
                data[target] = None
        if self.finish is not None:
            self.finish(data, row, problems)
        return data, problems

    def raw(self, row: Any) -> dict[str, Any]:
        """The source row as JSON (kept unchanged beside the parsed record)."""
        if isinstance(row, dict):
            return row
        if self.text_rows:
            return dict(zip(self._keys, row, strict=False))
        return {k: jsonable(v) for k, v in zip(self._keys, row, strict=False)}

    def column_for(self, field_name: str) -> str:
        """The source column(s) behind an incident field (for reject reports)."""
        base = field_name.split("[", 1)[0]
        return self.field_columns.get(base, base)

    def describe(self) -> list[str]:
        """Lines telling which column became what, and what was not understood."""
        lines = [f"format: {self.fmt}", f"dataset: {self.dataset or '(default)'}"]
        for b in self.bindings:
            target = b.target
            if target.startswith("v|"):
                target = "victims: " + " ".join(p for p in target.split("|")[1:] if p)
            lines.append(f"  {b.column!r} → {target}")
        for name, value in self.defaults.items():
            lines.append(f"  (every row) {name} = {value}")
        for column, why in self.ignored.items():
            lines.append(f"  {column!r}: not imported ({why}; kept in raw_source)")
        for column in self.unknown:
            lines.append(f"  {column!r}: NOT UNDERSTOOD (kept in raw_source only)")
        lines.extend(f"  note: {n}" for n in self.notes)
        return lines


def raw_keys(header: Sequence[Any]) -> list[str]:
    """Unique, non-empty keys for the raw_source of each column."""
    keys: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(header):
        key = values.text(name) or f"column {i + 1}"
        while key in seen:
            key = f"{key} ({i + 1})"
        seen.add(key)
        keys.append(key)
    return keys


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def row_hash(raw: dict[str, Any]) -> str:
    """A stable id for a row that carries none: same content, same id."""
    text = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
    return "row-sha256:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def set_date(data: dict[str, Any], got: tuple[Any, str] | None) -> None:
    """Store an ``occurred`` converter result as ``occurred_on`` + precision."""
    if got is None:
        data["occurred_on"] = None
        return
    data["occurred_on"], precision = got
    if not data.get("occurred_precision"):
        data["occurred_precision"] = precision


def sum_totals(data: dict[str, Any], given: set[str]) -> None:
    """Where a file gives counts per group only, the total is their sum."""
    for kind in COUNT_KINDS:
        if kind in given:
            continue
        parts = [data.get(kind + g) for g in COUNT_GROUPS[1:] if kind + g in given]
        known = [p for p in parts if isinstance(p, int)]
        if parts:
            data[kind] = sum(known) if known else None


class TypeResolver:
    """Resolve a cell of type labels against the types vocabulary of the row's domain."""

    def __init__(self, extra: dict[str, str] | None = None) -> None:
        self.extra = extra or {}
        self.memo: dict[tuple[str, Any], tuple[list[str] | None, str | None]] = {}

    def __call__(self, domain: str, cell: Any) -> list[str]:
        if isinstance(cell, list | tuple):
            cell = ";".join(str(c) for c in cell)
        key = (domain, cell)
        hit = self.memo.get(key)
        if hit is None:
            if domain not in registry.DOMAIN_TYPES:
                hit = ([], None)
            else:
                try:
                    vocab = registry.DOMAIN_TYPES[domain]
                    hit = (values.split_terms(cell, vocab, self.extra), None)
                except ValueError as exc:
                    hit = (None, str(exc))
            if len(self.memo) < values.MEMO_LIMIT:
                self.memo[key] = hit
        if hit[1] is not None:
            raise ValueError(hit[1])
        return list(hit[0] or [])


SCALAR_VOCABS = {
    "cause": "cause",
    "certainty": "certainty",
    "perpetrator": "perpetrator",
    "facility_type": "facility_type",
    "geo_precision": "geo_precision",
    "domain": "domain",
}
COUNT_TARGETS = frozenset(k + g for k in COUNT_KINDS for g in COUNT_GROUPS)


def converter_for(
    target: str,
    extra: dict[str, dict[str, str]] | None = None,
    date_formats: tuple[str, ...] = (),
) -> Converter:
    """The converter of a column feeding incident field ``target``.

    ``extra`` holds value translations per field (from a mapping file) tried before the
    vocabularies; ``occurred_on`` yields ``(date, precision)`` and ``types`` the cell as
    it is: :func:`complete` finishes both once the row's domain is known.
    """
    extra = extra or {}
    if target in COUNT_TARGETS or target.startswith("v|"):
        return values.Memo(values.count)
    if target in ("lat", "lon"):
        return values.number
    if target == "country":
        names = {values.text(k).lower(): v for k, v in extra.get("country", {}).items()}

        def country(value: Any) -> str:
            raw = values.text(value)
            return names.get(raw.lower()) or values.country_code(raw)

        return values.Memo(country)
    if target == "domain":
        return values.Memo(values.domain_code(extra.get("domain")))
    if target in SCALAR_VOCABS:
        return values.Memo(values.vocab_code(SCALAR_VOCABS[target], extra.get(target)))
    if target == "occurred_on":
        return values.Memo(lambda v: values.occurred(v, date_formats))
    if target == "types":
        return _same
    if target in ("admin1_name", "admin2_name"):
        return values.Memo(values.place_name)
    if target == "resources":
        more = extra.get("resources")
        return values.Memo(lambda v: values.split_terms(v, "resource", more))
    return values.text


def _same(value: Any) -> Any:
    return value


def complete(
    data: dict[str, Any], problems: list[Problem], plan: Plan, resolver: TypeResolver
) -> None:
    """Steps every format shares once a row's columns are converted."""
    got = data.get("occurred_on")
    if isinstance(got, tuple):
        set_date(data, got)
    if isinstance(data.get("resources"), list):
        data["resources"] = list(data["resources"])  # memoised lists are shared
    if "types" in data:
        cell = data["types"]
        try:
            data["types"] = resolver(data.get("domain") or "", cell) if cell else []
        except ValueError as exc:
            problems.append(Problem(plan.column_for("types"), cell, str(exc), "types"))
            data["types"] = []
