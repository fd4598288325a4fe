"""The dashboard as one JSON-ready document: every number with the incident-list link
behind it (same filters), for the web page, the charts and ``/api/v1/analysis/summary``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _

from ulinzi.accounts.access import Actor
from ulinzi.analysis import aggregates
from ulinzi.analysis.params import (
    COUNTED_STATUSES,
    EXCLUDED_STATUSES,
    DashboardParams,
    incident_list_url,
)
from ulinzi.geo.countries import country as find_country
from ulinzi.incidents.selectors import IncidentFilters, apply_filters, visible
from ulinzi.vocab import registry

Cell = dict[str, Any]
PATTERN_ROWS = 25


def cell(value: int, href: str | None) -> Cell:
    return {"v": int(value), "href": href}


def vocab_label(vocabulary: str, code: str) -> str:
    if not code:
        return _("not recorded")
    try:
        return registry.get(vocabulary).label(code)
    except KeyError:
        return code


def type_label(code: str, domain: str | None = None) -> str:
    """Label of a type code, from the domain's vocabulary or the first that has it."""
    if not code:
        return _("type not recorded")
    names = (
        [registry.DOMAIN_TYPES[domain]]
        if domain in registry.DOMAIN_TYPES
        else list(registry.DOMAIN_TYPES.values())
    )
    for name in names:
        vocab = registry.get(name)
        if code in vocab:
            return vocab.label(code)
    return code


def period_start(day: date, interval: str) -> date:
    if interval == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def period_end(start: date, interval: str) -> date:
    if interval == "week":
        return start + timedelta(days=6)
    nxt = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def periods(first: date, last: date, interval: str) -> list[date]:
    out: list[date] = []
    current = period_start(first, interval)
    while current <= last:
        out.append(current)
        current = period_end(current, interval) + timedelta(days=1)
    return out


class Builder:
    """Shapes the aggregate rows for one actor and one set of parameters."""

    def __init__(self, actor: Actor, params: DashboardParams) -> None:
        self.actor = actor
        self.params = params
        self.filters: IncidentFilters = params.filters
        self.qs = aggregates.counted(actor, self.filters)

    def link(self, **changes: Any) -> str:
        return incident_list_url(self.filters, **changes)

    def bounds(self, start: date) -> tuple[date, date]:
        """First and last day of a period, within the date filters."""
        end = period_end(start, self.params.interval)
        f = self.filters
        lo = max(start, f.date_from) if f.date_from else start
        hi = min(end, f.date_to) if f.date_to else end
        return lo, hi

    def timeline(self, rows: list[dict[str, Any]]) -> list[date]:
        interval = self.params.interval
        found = [r["period"] for r in rows]
        first = self.filters.date_from or (min(found) if found else None)
        last = self.filters.date_to or (max(found) if found else None)
        if first is None or last is None:
            return []
        return periods(first, last, interval)

    def series(
        self,
        rows: list[dict[str, Any]],
        label: Callable[[str], str],
        link_field: str | None,
        order: Iterable[str] | None = None,
    ) -> dict[str, Any]:
        """Rows (period, key, n) → aligned series.

        The link behind ``values[i]`` of a series is its ``href`` followed by
        ``&date_from=bounds[i][0]&date_to=bounds[i][1]`` (``href`` is null when no list
        filter can select the series, e.g. incidents without a type)."""
        timeline = self.timeline(rows)
        index = {p: i for i, p in enumerate(timeline)}
        values: dict[str, list[int]] = defaultdict(lambda: [0] * len(timeline))
        for r in rows:
            if r["period"] in index:
                values[r["key"] or ""][index[r["period"]]] += r["n"]
        keys = sorted(values, key=lambda k: -sum(values[k]))
        if order is not None:
            wanted = list(order)
            keys = [k for k in wanted if k in values] + [k for k in keys if k not in wanted]
        out = []
        for key in keys:
            if link_field is None:
                href: str | None = self.link(date_from=None, date_to=None)
            elif key:
                href = self.link(date_from=None, date_to=None, **{link_field: key})
            else:
                href = None  # no list filter selects "not recorded"
            out.append(
                {
                    "key": key,
                    "label": label(key),
                    "total": sum(values[key]),
                    "href": href,
                    "values": values[key],
                }
            )
        return {
            "periods": [p.isoformat() for p in timeline],
            "bounds": [[d.isoformat() for d in self.bounds(p)] for p in timeline],
            "series": out,
        }

    def time_panel(self) -> dict[str, Any]:
        p = self.params
        rows = aggregates.over_time(self.qs, p.interval, p.stack, self.filters.type)
        if p.stack == "domain":
            return self.series(rows, lambda k: vocab_label("domain", k), "domain")
        return self.series(rows, lambda k: type_label(k, self.filters.domain), "type")

    def casualty_panel(self) -> dict[str, Any]:
        rows = aggregates.casualties_over_time(self.qs, self.params.interval)
        flat = [
            {"period": r["period"], "key": kind, "n": r[kind]}
            for r in rows
            for kind in ("killed", "injured")
        ]
        labels = {"killed": _("Killed"), "injured": _("Injured")}
        return self.series(flat, labels.__getitem__, None, order=("killed", "injured"))

    def cause_panel(self) -> dict[str, Any]:
        rows = aggregates.causes_over_time(self.qs, self.params.interval)
        order = registry.get("cause").codes()
        panel = self.series(rows, lambda k: vocab_label("cause", k), "cause", order=order)
        conflict = sum(s["total"] for s in panel["series"] if s["key"] == "armed_conflict")
        known = sum(s["total"] for s in panel["series"] if s["key"] not in ("unknown", ""))
        panel["conflict_share"] = round(100 * conflict / known) if known else None
        return panel

    def heat(self, value: int, top: int) -> int:
        return 0 if not value or not top else 1 + min(4, int(5 * value / (top + 1)))

    def harm_health(self) -> dict[str, Any]:
        rows = aggregates.harm_by_resource(self.qs, self.filters.type, self.filters.resource)
        columns = registry.get("resource").codes()
        totals: dict[tuple[str, str], int] = {}
        cells: dict[tuple[str, str, str], int] = {}
        for r in rows:
            key = (r["perpetrator"] or "", r["type"])
            if r["resource"] is None:
                totals[key] = r["n"]
            else:
                cells[(*key, r["resource"])] = r["n"]
        used = [c for c in columns if any(k[2] == c for k in cells)]
        ranked = sorted(totals, key=lambda k: (-totals[k], k))
        top = max(cells.values(), default=0)
        out_rows = []
        for perp, typ in ranked[:PATTERN_ROWS]:
            base = {"domain": aggregates.HEALTH, "perpetrator": perp or None, "type": typ}
            linkable = bool(perp)
            out_rows.append(
                {
                    "codes": {"perpetrator": perp, "type": typ},
                    "perpetrator": vocab_label("perpetrator", perp),
                    "type": type_label(typ, aggregates.HEALTH),
                    "total": cell(totals[(perp, typ)], self.link(**base) if linkable else None),
                    "cells": [
                        {
                            **cell(
                                cells.get((perp, typ, c), 0),
                                self.link(**base, resource=c) if linkable else None,
                            ),
                            "heat": self.heat(cells.get((perp, typ, c), 0), top),
                        }
                        for c in used
                    ],
                }
            )
        return {
            "columns": [{"key": c, "label": vocab_label("resource", c)} for c in used],
            "rows": out_rows,
            "hidden_rows": max(0, len(ranked) - PATTERN_ROWS),
            "untyped": aggregates.untyped_count(self.qs, health=True),
        }

    def harm_other(self) -> dict[str, Any]:
        rows = sorted(
            aggregates.harm_by_victim_group(self.qs, self.filters.type),
            key=lambda r: (-r["n"], r["domain"], r["perpetrator"], r["type"]),
        )
        groups = ("all", *aggregates.VICTIM_GROUPS)
        top = max((r[g] for r in rows for g in groups), default=0)
        out_rows = []
        for r in rows[:PATTERN_ROWS]:
            perp = r["perpetrator"] or ""
            href = self.link(domain=r["domain"], perpetrator=perp, type=r["type"]) if perp else None
            out_rows.append(
                {
                    "codes": {"domain": r["domain"], "perpetrator": perp, "type": r["type"]},
                    "domain": vocab_label("domain", r["domain"]),
                    "perpetrator": vocab_label("perpetrator", perp),
                    "type": type_label(r["type"], r["domain"]),
                    "total": cell(r["n"], href),
                    "cells": [{**cell(r[g], href), "heat": self.heat(r[g], top)} for g in groups],
                }
            )
        labels = {
            "all": _("All people"),
            "children": _("Children"),
            "health_workers": _("Health workers"),
            "patients": _("Patients"),
        }
        return {
            "columns": [{"key": g, "label": labels[g]} for g in groups],
            "rows": out_rows,
            "hidden_rows": max(0, len(rows) - PATTERN_ROWS),
            "untyped": aggregates.untyped_count(self.qs, health=False),
        }

    def areas(self) -> list[dict[str, Any]]:
        out = []
        for r in aggregates.top_areas(self.qs):
            href = self.link(country=r["country"], admin1=r["name"] or r["pcode"])
            out.append(
                {
                    "country": r["country"],
                    "name": r["name"] or r["pcode"],
                    "pcode": r["pcode"],
                    "incidents": cell(r["n"], href),
                    "killed": cell(r["killed"], href),
                    "injured": cell(r["injured"], href),
                }
            )
        return out

    def certainty(self) -> list[dict[str, Any]]:
        return [
            {
                "key": r["certainty"],
                "label": vocab_label("certainty", r["certainty"])
                if r["certainty"]
                else _("not graded"),
                "incidents": cell(
                    r["n"], self.link(certainty=r["certainty"]) if r["certainty"] else None
                ),
            }
            for r in aggregates.certainty_mix(self.qs)
        ]

    def countries(self) -> list[dict[str, Any]]:
        out = []
        for r in aggregates.by_country(self.qs):
            found = find_country(r["country"])
            numeric = _iso_numeric(r["country"])
            href = self.link(country=r["country"])
            out.append(
                {
                    "iso3": r["country"],
                    "numeric": numeric,
                    "name": found.name if found else r["country"],
                    "incidents": cell(r["n"], href),
                    "killed": cell(r["killed"], href),
                    "injured": cell(r["injured"], href),
                }
            )
        return out

    def not_counted(self) -> list[dict[str, Any]]:
        """How many duplicates and rejected reports match the filters (and are left out)."""
        from dataclasses import replace

        out = []
        for status in EXCLUDED_STATUSES:
            f = replace(self.filters, status=status)
            n = apply_filters(visible(self.actor), f).count()
            out.append(
                {
                    "status": status,
                    "label": vocab_label("incident_status", status),
                    "incidents": cell(n, incident_list_url(f)),
                }
            )
        return out

    def build(self) -> dict[str, Any]:
        t = aggregates.totals(self.qs)
        everything = self.link()
        facilities = aggregates.facility_incidents(self.qs)
        pts = aggregates.points(self.qs)
        return {
            "filters": self.params.query(),
            "interval": self.params.interval,
            "stack": self.params.stack,
            "counted_statuses": list(COUNTED_STATUSES),
            "not_counted": self.not_counted(),
            "totals": {
                **{k: cell(v, everything) for k, v in t.items()},
                "facilities_hit": cell(facilities, self.link(resource="facility")),
            },
            "over_time": self.time_panel(),
            "casualties": self.casualty_panel(),
            "causes": self.cause_panel(),
            "harm_health": self.harm_health(),
            "harm_other": self.harm_other(),
            "areas": self.areas(),
            "certainty": self.certainty(),
            "countries": self.countries(),
            "points": pts,
            "points_located": aggregates.located_count(self.qs),
        }


def _iso_numeric(iso3: str) -> str | None:
    import pycountry

    found = pycountry.countries.get(alpha_3=iso3)
    return found.numeric if found else None


def build(actor: Actor, params: DashboardParams) -> dict[str, Any]:
    """The whole dashboard for ``actor``."""
    return Builder(actor, params).build()
