"""The WHO SSA public export, as published: one row per attack.

Mapping (see docs/imports.md): ``Attack ID`` → source_id; ``Attack Date`` (month/day/yy)
→ occurred_on; ``Attack Time`` → occurred_time ("Time Unknown" dropped); ``Country /
Territory`` → country (ISO3); ``Certainty Level`` → certainty; ``Attack Type`` (several
labels, split on known labels) → types; ``Total Death``/``Total Injured`` → killed/injured;
``HC …`` YES/NO/Unknown → resources; ``Type of Facility`` → facility_type; HW/patient
abduction, arrest, detention → ``*_health_workers``/``*_patients`` and their totals.
The export has no context column, so cause stays ``unknown``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ulinzi.intake import values
from ulinzi.intake.formats.base import (
    Binding,
    Converter,
    Plan,
    Problem,
    TypeResolver,
    UnusableHeader,
    complete,
    converter_for,
)

COLUMNS: dict[str, str] = {
    "attack id": "source_id",
    "attack date": "occurred_on",
    "attack time": "occurred_time",
    "country / territory": "country",
    "certainty level": "certainty",
    "attack type": "types",
    "total death": "killed",
    "total injured": "injured",
    "type of facility": "facility_type",
    "hw abduction": "abducted_health_workers",
    "hw arrest": "arrested_health_workers",
    "hw detention": "detained_health_workers",
    "patient abduction": "abducted_patients",
    "patient arrest": "arrested_patients",
    "patient detention": "detained_patients",
}
RESOURCES: dict[str, str] = {
    "hc facilities": "facility",
    "hc transport": "transport",
    "hc personnel": "personnel",
    "hc supplies assets": "supplies",
    "hc warehouse storage": "warehouse",
    "hc patients": "patients",
}
IGNORED: dict[str, str] = {
    "year": "derived from Attack Date",
    "weekday": "derived from Attack Date",
    "facility other": "free text naming an 'Other' facility type",
}
REQUIRED = ("attack id", "attack date", "country / territory")
SIGNATURE = ("attack id", "attack type", "country / territory")
KINDS = ("abducted", "arrested", "detained")


def matches(header: Sequence[Any]) -> bool:
    names = {_norm(h) for h in header}
    return all(s in names for s in SIGNATURE)


def _norm(value: Any) -> str:
    return " ".join(values.text(value).lower().split())


def _time(value: Any) -> str:
    raw = values.text(value)
    return "" if raw.lower() in ("time unknown", "unknown") else raw


def plan(header: Sequence[Any], extra: dict[str, dict[str, str]] | None = None) -> Plan:
    names = [_norm(h) for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise UnusableHeader(f"not an SSA export: no column {', '.join(missing)}")
    bindings: list[Binding] = []
    flags: list[tuple[int, str]] = []
    other_col: int | None = None
    ignored: dict[str, str] = {}
    unknown: list[str] = []
    for i, name in enumerate(names):
        shown = values.text(header[i])
        if name in COLUMNS:
            target = COLUMNS[name]
            convert: Converter
            if target == "occurred_on":
                convert = values.Memo(values.us_short_date)
            elif target == "occurred_time":
                convert = values.Memo(_time)
            else:
                convert = converter_for(target, extra)
            bindings.append(Binding(i, shown, target, convert))
        elif name in RESOURCES:
            flags.append((i, RESOURCES[name]))
        elif name == "hc other":
            other_col = i
        elif name in IGNORED:
            ignored[shown] = IGNORED[name]
        elif name:
            unknown.append(shown)
    resolver = TypeResolver((extra or {}).get("types"))
    flag = values.Memo(values.flag)
    shown_of = {i: values.text(header[i]) for i, _ in flags}

    def finish(data: dict[str, Any], row: Any, problems: list[Problem]) -> None:
        complete(data, problems, result, resolver)
        resources: list[str] = []
        size = len(row)
        for i, code in flags:
            cell = row[i] if i < size else None
            try:
                if flag(cell):
                    resources.append(code)
            except ValueError as exc:
                problems.append(Problem(shown_of[i], cell, str(exc), "resources"))
        if other_col is not None and other_col < size and values.text(row[other_col]):
            resources.append("other")
        data["resources"] = resources
        for kind in KINDS:
            hw, pt = data.get(kind + "_health_workers"), data.get(kind + "_patients")
            data[kind] = None if hw is None and pt is None else (hw or 0) + (pt or 0)

    result = Plan(
        fmt="ssa",
        header=[values.text(h) for h in header],
        bindings=bindings,
        defaults={"domain": "health_care_attack", "cause": "unknown"},
        ignored=ignored,
        unknown=unknown,
        finish=finish,
        field_columns={
            "resources": "HC … columns",
            "abducted": "HW Abduction + Patient Abduction",
            "arrested": "HW Arrest + Patient Arrest",
            "detained": "HW Detention + Patient Detention",
        },
    )
    return result
