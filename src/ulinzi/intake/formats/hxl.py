"""HXL-tagged tables (CSV or XLSX): a header row, then a row of hashtags.

Each column is read from its header text *and* its tag. Real files carry wrong or
non-standard tags (``#lat``, ``#long``, ``#admin1``, ``#weapons``, ``#geo +lac``,
``#country_ISO``, swapped or missing tags), so: header and tag agreeing, or only one
understood, decides; when they disagree the header wins (people read headers, tags get
copied between files) and the plan notes it. Columns neither explains are reported.

Insecurity Insight's columns (indicators, health-worker counts, context flags) are
understood too; what they imply is in :mod:`ulinzi.intake.formats.inference`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ulinzi.intake import values
from ulinzi.intake.formats import inference
from ulinzi.intake.formats import victims as victim_counts
from ulinzi.intake.formats.base import (
    Binding,
    Plan,
    Problem,
    TypeResolver,
    UnusableHeader,
    complete,
    converter_for,
    sum_totals,
)
from ulinzi.intake.formats.names import (
    IGNORED,
    header_domain,
    header_target,
    normalise,
)
from ulinzi.vocab import registry

KIND_ATTRS = {
    "killed": "killed",
    "injured": "injured",
    "abducted": "abducted",
    "kidnapped": "abducted",
    "arrested": "arrested",
    "detained": "detained",
}
GROUP_ATTRS = {
    "healthworker": "_health_workers",
    "healthworkers": "_health_workers",
    "health_workers": "_health_workers",
    "hw": "_health_workers",
    "patients": "_patients",
    "patient": "_patients",
    "children": "_children",
}
META_ATTRS = (
    ("certainty", "certainty"),
    ("facility_type", "facility_type"),
    ("time", "occurred_time"),
    ("precision", "occurred_precision"),
    ("resources", "resources"),
    ("status", None),
)
REQUIRED = ("occurred_on",)


def parse_tag(cell: Any) -> tuple[str, frozenset[str]] | None:
    """``"#geo +lac"`` → ``("geo", {"lac"})``; anything not starting with ``#`` → None."""
    raw = "".join(values.text(cell).lower().split())
    if not raw.startswith("#") or len(raw) < 2:
        return None
    name, *attrs = raw[1:].split("+")
    return name, frozenset(a for a in attrs if a)


def is_tag_row(row: Sequence[Any]) -> bool:
    """Most non-empty cells of ``row`` are hashtags."""
    cells = [c for c in row if not values.blank(c)]
    tags = [c for c in cells if parse_tag(c) is not None]
    return bool(tags) and len(tags) * 2 >= len(cells)


def tag_target(name: str, attrs: frozenset[str]) -> str | None:
    """The target a hashtag names (``None``: not one we use)."""
    if name in ("meta", "event") and "id" in attrs:
        return "source_id"
    if name == "date":
        return None if attrs & {"reported", "start", "end", "updated"} else "occurred_on"
    if name in ("country", "country_iso", "country_code"):
        return "x_country_name" if "name" in attrs else "country"
    if name in ("adm1", "adm2"):
        return f"admin{name[-1]}_{'name' if 'name' in attrs else 'pcode'}"
    if name in ("admin1", "admin2"):
        return f"admin{name[-1]}_name"
    if name == "geo":
        if attrs & {"lat", "lac"}:
            return "lat"
        if attrs & {"lon", "long", "lng"}:
            return "lon"
        return "geo_precision" if "precision" in attrs else None
    if name in ("lat", "long", "lon", "lng"):
        return "lat" if name == "lat" else "lon"
    if name == "event" and "type" in attrs:
        return "types"
    if name == "sector" or (name == "event" and attrs & {"domain", "category"}):
        return "domain"
    if name in ("x_resources", "x_resource"):
        return "resources"
    if name == "loc" and "type" in attrs:
        return "facility_type"
    if name in ("cause", "description"):
        return "cause" if name == "cause" else "narrative"
    if name == "group" and "perp" in attrs:
        return None if "name" in attrs else "perpetrator"
    if name in ("weapons", "weapon"):
        return "x_weapon"
    if name == "affected":
        return None if "banded" in attrs else _affected(attrs)
    if name == "indicator":
        return inference.indicator_target(attrs)
    if name == "meta":
        for attr, target in META_ATTRS:
            if attr in attrs:
                return target
    return None


def tag_ignored(name: str, attrs: frozenset[str]) -> str | None:
    """Why a recognised tag is deliberately not imported (None: not one of those)."""
    if name == "org":
        return "the organisation is the one given with --org"
    if name == "status":
        return "imported incidents start as submitted"
    if name == "date" and attrs & {"start", "end", "reported", "updated"}:
        return "not the date of the incident"
    if name == "affected" and "banded" in attrs:
        return "counts in bands, not numbers"
    if name == "group" and "name" in attrs:
        return "names a perpetrator; Ulinzi records its category"
    return None


NEUTRAL_ATTRS = frozenset({"num", "total", "all", "ind", "i"})


def _affected(attrs: frozenset[str]) -> str | None:
    kinds = [KIND_ATTRS[a] for a in attrs if a in KIND_ATTRS]
    groups = [GROUP_ATTRS[a] for a in attrs if a in GROUP_ATTRS]
    others = attrs - KIND_ATTRS.keys() - GROUP_ATTRS.keys() - NEUTRAL_ATTRS
    if len(kinds) == 1 and others:
        return None  # a group Ulinzi has no field for (+aid_healthworker): not the total
    if len(kinds) == 1:
        return kinds[0] + (groups[0] if groups else "")
    return inference.affected_target(attrs)


Choice = tuple[int, str, str | None]  # column index, label, target


def choose(
    header: Sequence[Any], tags: Sequence[Any] | None
) -> tuple[list[Choice], list[str], dict[str, str]]:
    """Pick each column's target from its header text and tag.

    Returns the choices, notes on disagreements, and columns deliberately left out.
    """
    choices: list[Choice] = []
    notes: list[str] = []
    ignored: dict[str, str] = {}
    for i, cell in enumerate(header):
        shown = values.text(cell)
        tag_cell = tags[i] if tags is not None and i < len(tags) else None
        parsed = parse_tag(tag_cell)
        by_tag = tag_target(*parsed) if parsed else None
        by_header = header_target(shown)
        label = shown or values.text(tag_cell) or f"column {i + 1}"
        if by_header == "x_country_name" and by_tag == "country":
            by_header = None  # a "Country" column tagged as codes: the tag is more precise
        if by_header is None and by_tag is not None and IGNORED.get(normalise(shown)):
            # A header Ulinzi knows it does not import beats a tag copied onto it from
            # a neighbouring column ("Known Kidnapping or Arrest Outcome" tagged as a count).
            notes.append(
                f"{label!r} is tagged {values.text(tag_cell)} ({by_tag}) but its header says "
                f"what it is: not imported ({IGNORED[normalise(shown)]})"
            )
            by_tag = None
        if by_header and by_tag and by_header != by_tag:
            notes.append(
                f"{label!r} is tagged {values.text(tag_cell)} ({by_tag}) but its header "
                f"reads as {by_header}: used as {by_header}"
            )
        if by_header is None and by_tag is None and not shown and parsed is None:
            continue  # an empty column
        target = by_header or by_tag
        if target is None and parsed is not None and not IGNORED.get(normalise(shown)):
            why = tag_ignored(*parsed)
            if why:
                ignored[label] = why
                continue
        choices.append((i, label, target))
    return choices, notes, ignored


def plan(
    header: Sequence[Any],
    tags: Sequence[Any] | None,
    extra: dict[str, dict[str, str]] | None = None,
    domain: str | None = None,
    date_formats: tuple[str, ...] = (),
) -> Plan:
    """Plan for a header row and its tag row (``tags`` None: header text only)."""
    choices, notes, ignored = choose(header, tags)
    return assemble(
        "hxl" if tags is not None else "csv",
        header,
        choices,
        notes=notes,
        extra=extra,
        domain=domain,
        date_formats=date_formats,
        header_rows=2 if tags is not None else 1,
        ignored=ignored,
    )


def file_domain(choices: list[Choice], used: dict[str, str]) -> tuple[str, str] | None:
    """The domain the file's own columns state (and the column that states it)."""
    stated = inference.domain_of_columns(used)
    if stated is not None:
        return stated
    for _, label, _ in choices:
        found = header_domain(label)
        if found is not None:
            return found, label
    return None


def assemble(
    fmt: str,
    header: Sequence[Any],
    choices: list[Choice],
    *,
    notes: list[str] | None = None,
    extra: dict[str, dict[str, str]] | None = None,
    domain: str | None = None,
    date_formats: tuple[str, ...] = (),
    header_rows: int = 1,
    defaults: dict[str, Any] | None = None,
    ignored: dict[str, str] | None = None,
) -> Plan:
    """Build the plan from each column's chosen target (``None``: not understood)."""
    bindings: list[Binding] = []
    used: dict[str, str] = {}
    ignored = dict(ignored or {})
    unknown: list[str] = []
    for i, label, target in choices:
        if target is None:
            why = IGNORED.get(normalise(label))
            if why:
                ignored[label] = why
            else:
                unknown.append(label)
            continue
        if target in used:
            ignored[label] = f"a second column for {target} (first: {used[target]!r})"
            continue
        used[target] = label
        convert = inference.converter(target) or converter_for(target, extra, date_formats)
        bindings.append(Binding(i, label, target, convert))
    fixed = dict(defaults or {})
    notes = list(notes or [])
    # A table without a date or a country holds no incidents, whatever its domain: said first.
    has_country = "country" in used or "x_country_name" in used or "country" in fixed
    needs = {"occurred_on": "occurred_on" in used or "occurred_on" in fixed, "country": has_country}
    missing = [f for f, ok in needs.items() if not ok]
    if missing:
        raise UnusableHeader(
            f"no column gives {' or '.join(missing)} (needed for every incident); "
            f"understood: {', '.join(sorted(used)) or 'nothing'}; "
            f"not understood: {', '.join(unknown) or 'nothing'}"
        )
    if "domain" not in used and "domain" not in fixed:
        if domain is None:
            stated = file_domain(choices, used)
            if stated is None:
                raise UnusableHeader(
                    "no column gives the domain of the incidents: pass --domain ("
                    + ", ".join(registry.get("domain").codes())
                    + "); the columns do not say it either"
                )
            domain, column = stated
            notes.append(f"domain {domain} for every row: column {column!r} says so")
        fixed["domain"] = domain
    resolver = TypeResolver((extra or {}).get("types"))
    counts_given = {t for t in used if t in inference.COUNT_TARGETS}
    groups = victim_counts.Groups(used, counts_given)
    notes.extend(groups.notes)
    counts_given |= groups.no_total
    infer = inference.Inferrer(set(used), extra)
    named = inference.CountTypes(
        [] if "types" in used else [(b.target, b.column) for b in bindings]
    )
    notes.extend(named.notes)
    name_col = used.get("x_country_name", "")
    iso_col = used.get("country", "")
    to_country = converter_for("country", extra)

    def finish(data: dict[str, Any], row: Any, problems: list[Problem]) -> None:
        if "x_country_name" in data:
            name = data.pop("x_country_name")
            if not data.get("country") and name:
                try:
                    data["country"] = to_country(name)
                except ValueError as exc:
                    why = f"{iso_col} is empty and this " if iso_col else ""
                    problems.append(Problem(name_col, name, f"{why}{exc}", "country"))
        complete(data, problems, result, resolver)
        named(data)
        groups.collect(data)
        sum_totals(data, counts_given)
        infer(data, problems)

    result = Plan(
        fmt=fmt,
        header=[values.text(h) for h in header],
        bindings=bindings,
        defaults=fixed,
        ignored=ignored,
        unknown=unknown,
        notes=notes,
        finish=finish,
        header_rows=header_rows,
        field_columns={
            "country": used.get("country") or name_col,
            **infer.field_columns(used),
        },
    )
    return result
