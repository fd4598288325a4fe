"""The dashboard as one JSON-ready document: every number with the incident-list link
behind it (same filters), for the web page, the charts and ``/api/v1/analysis/summary``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from ulinzi.accounts.access import Actor
from ulinzi.analysis import aggregates, harm, places
from ulinzi.analysis.params import (
    COUNTED_STATUSES,
    EXCLUDED_STATUSES,
    DashboardParams,
    incident_list_url,
)
from ulinzi.analysis.shaping import cell, period_end, periods, type_label, vocab_label
from ulinzi.incidents.facts import plus
from ulinzi.incidents.filters import NOT_RECORDED, IncidentFilters
from ulinzi.vocab import registry


class Builder:
    """Runs the aggregate queries for one actor and one set of parameters, and shapes
    them into panels."""

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
        found = [r["period"] for r in rows]
        first = self.filters.date_from or (min(found) if found else None)
        last = self.filters.date_to or (max(found) if found else None)
        if first is None or last is None:
            return []
        return periods(first, last, self.params.interval)

    def series(
        self,
        rows: list[dict[str, Any]],
        label: Callable[[str], str],
        link_field: str | None,
        order: Iterable[str] | None = None,
        people: bool = False,
    ) -> dict[str, Any]:
        """Rows (period, key, n) → aligned series. For a count of ``people``, a period
        where no incident records it is None ("not recorded"), not 0.

        The link behind ``values[i]`` of a series is its ``href`` followed by
        ``&date_from=bounds[i][0]&date_to=bounds[i][1]`` (``href`` is null when no list
        filter can select the series, e.g. incidents without a type)."""
        timeline = self.timeline(rows)
        index = {p: i for i, p in enumerate(timeline)}
        empty = None if people else 0
        values: dict[str, list[int | None]] = defaultdict(lambda: [empty] * len(timeline))
        for r in rows:
            if r["period"] in index:
                at = values[r["key"] or ""]
                at[index[r["period"]]] = plus(at[index[r["period"]]], r["n"])
        totals = {k: plus(*v) if people else sum(filter(None, v)) for k, v in values.items()}
        keys = sorted(values, key=lambda k: (-(totals[k] or 0), k))
        if order is not None:
            wanted = list(order)
            keys = [k for k in wanted if k in values] + [k for k in keys if k not in wanted]
        out = []
        for key in keys:
            if link_field is None:
                href: str | None = self.link(date_from=None, date_to=None)
            else:
                value = key or NOT_RECORDED
                href = self.link(date_from=None, date_to=None, **{link_field: value})
            out.append(
                {
                    "key": key,
                    "label": label(key),
                    "total": totals[key],
                    "href": href,
                    "values": values[key],
                }
            )
        return {
            "periods": [p.isoformat() for p in timeline],
            "bounds": [[d.isoformat() for d in self.bounds(p)] for p in timeline],
            "series": out,
        }

    def time_panels(self, cube: list[dict[str, Any]]) -> dict[str, Any]:
        p = self.params
        if p.stack == "domain":
            rows = [{"period": r["period"], "key": r["domain"], "n": r["n"]} for r in cube]
            over_time = self.series(rows, lambda k: vocab_label("domain", k), "domain")
        else:
            rows = aggregates.types_over_time(self.qs, p.interval, self.filters.type)
            over_time = self.series(rows, lambda k: type_label(k, self.filters.domain), "type")
        harmed = [
            {"period": r["period"], "key": kind, "n": r[kind]}
            for r in cube
            for kind in ("killed", "injured")
        ]
        labels = {"killed": _("Killed"), "injured": _("Injured")}
        casualties = self.series(
            harmed, labels.__getitem__, None, order=("killed", "injured"), people=True
        )
        by_cause = [{"period": r["period"], "key": r["cause"], "n": r["n"]} for r in cube]
        causes = self.series(
            by_cause,
            lambda k: vocab_label("cause", k),
            "cause",
            order=registry.get("cause").codes(),
        )
        conflict = sum(s["total"] for s in causes["series"] if s["key"] == "armed_conflict")
        known = sum(s["total"] for s in causes["series"] if s["key"] not in ("unknown", ""))
        causes["conflict_share"] = round(100 * conflict / known) if known else None
        return {"over_time": over_time, "casualties": casualties, "causes": causes}

    def not_counted(self) -> list[dict[str, Any]]:
        """How many duplicates and rejected reports match the filters (and are left out)."""
        found = aggregates.status_counts(self.actor, self.filters, EXCLUDED_STATUSES)
        return [
            {
                "status": status,
                "label": vocab_label("incident_status", status),
                "incidents": cell(found.get(status, 0), self.link(status=status)),
            }
            for status in EXCLUDED_STATUSES
        ]

    def build(self) -> dict[str, Any]:
        f = self.filters
        cube = aggregates.time_cube(self.qs, self.params.interval)
        place_rows = aggregates.place_cube(self.qs)
        by_type = aggregates.harm_by_type(self.qs, f.type)
        everything = self.link()
        totals = {
            "incidents": cell(sum(r["n"] for r in cube), everything),
            **{k: cell(plus(*(r[k] for r in cube)), everything) for k in aggregates.HARM_KINDS},
            "facilities_hit": cell(
                aggregates.resource_counts(self.qs).get("facility", 0),
                self.link(resource="facility"),
            ),
        }
        return {
            "filters": self.params.query(),
            "interval": self.params.interval,
            "stack": self.params.stack,
            "counted_statuses": list(COUNTED_STATUSES),
            "not_counted": self.not_counted(),
            "totals": totals,
            **self.time_panels(cube),
            "harm_health": harm.health_table(
                by_type, aggregates.harm_by_resource(self.qs, f.type, f.resource), self.link
            ),
            "harm_other": harm.other_table(
                by_type, aggregates.harm_by_victim_group(self.qs, f.type), self.link
            ),
            "areas": places.areas(place_rows, self.link),
            "certainty": places.certainty(place_rows, self.link),
            "countries": places.countries(place_rows, self.link),
            "points": aggregates.points(self.qs),
            "points_located": places.located(place_rows),
        }


def build(actor: Actor, params: DashboardParams) -> dict[str, Any]:
    """The whole dashboard for ``actor`` (in :func:`aggregates.session`)."""
    with aggregates.session():
        return Builder(actor, params).build()
