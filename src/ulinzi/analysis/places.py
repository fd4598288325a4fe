"""Countries, top areas, certainty and located incidents, all from one
:func:`aggregates.place_cube` query."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.utils.translation import gettext as _

from ulinzi.analysis import aggregates
from ulinzi.analysis.shaping import Link, cell, iso_numeric, vocab_label
from ulinzi.geo.countries import country as find_country
from ulinzi.incidents.facts import plus
from ulinzi.incidents.filters import NOT_RECORDED

TOP_AREAS = 15


def _add(into: dict[str, Any], row: dict[str, Any]) -> None:
    """Add a row's incidents and people harmed (a count no row records stays None)."""
    into["n"] = into.get("n", 0) + row["n"]
    for kind in ("killed", "injured"):
        into[kind] = plus(into.get(kind), row[kind])


def countries(rows: list[dict[str, Any]], link: Link) -> list[dict[str, Any]]:
    sums: dict[str, dict[str, Any]] = defaultdict(dict)
    for r in rows:
        _add(sums[r["country"]], r)
    out = []
    for code in sorted(sums, key=lambda c: (-sums[c]["n"], c)):
        found = find_country(code)
        href = link(country=code)
        out.append(
            {
                "iso3": code,
                "numeric": iso_numeric(code),
                "name": found.name if found else code,
                "incidents": cell(sums[code]["n"], href),
                "killed": cell(sums[code]["killed"], href),
                "injured": cell(sums[code]["injured"], href),
            }
        )
    return out


def areas(rows: list[dict[str, Any]], link: Link, limit: int = TOP_AREAS) -> list[dict[str, Any]]:
    """First-level areas with the most incidents. Rows are merged by
    :func:`aggregates.area_of` (name ignoring case, or P-code when no name)."""
    sums: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    names: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    pcodes: dict[tuple[str, str], str] = {}
    for r in rows:
        key = aggregates.area_of(r["admin1_pcode"], r["admin1_name"])
        if key is None:
            continue
        k = (r["country"], key)
        _add(sums[k], r)
        names[k][r["admin1_name"]] += r["n"]
        pcodes[k] = pcodes.get(k) or r["admin1_pcode"]
    out = []
    for k in sorted(sums, key=lambda k: (-sums[k]["n"], k))[:limit]:
        name = names[k].most_common(1)[0][0]
        href = link(country=k[0], admin1=name or pcodes[k])
        out.append(
            {
                "country": k[0],
                "name": name or pcodes[k],
                "pcode": pcodes[k],
                "incidents": cell(sums[k]["n"], href),
                "killed": cell(sums[k]["killed"], href),
                "injured": cell(sums[k]["injured"], href),
            }
        )
    return out


def certainty(rows: list[dict[str, Any]], link: Link) -> list[dict[str, Any]]:
    sums: Counter[str] = Counter()
    for r in rows:
        sums[r["certainty"]] += r["n"]
    return [
        {
            "key": code,
            "label": vocab_label("certainty", code) if code else _("not graded"),
            "incidents": cell(n, link(certainty=code or NOT_RECORDED)),
        }
        for code, n in sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def located(rows: list[dict[str, Any]]) -> int:
    return sum(r["located"] for r in rows)
