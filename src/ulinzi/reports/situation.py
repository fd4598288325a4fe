"""The numbers of a situation report, and the annual MRM and SSA summary tables.

Counts follow the dashboard: what the user may see, with the filters; each incident
counts once, as its canonical report after linkage (the duplicates linkage marked never
count, nor rejected reports; drafts do: the organisation recorded them). A number of
people no counted report records is None ("not recorded"), never 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from ulinzi.accounts.access import Actor
from ulinzi.analysis.linkage.models import ClusterMember
from ulinzi.incidents.facts import plus
from ulinzi.incidents.models import COUNT_KINDS, Incident, IncidentTerm
from ulinzi.incidents.selectors import IncidentFilters, apply_filters, visible
from ulinzi.reports import centroids
from ulinzi.vocab import registry

REPORT_STATUSES = ("draft", "submitted", "verified")
TOP = 10


def counted(actor: Actor, filters: IncidentFilters) -> QuerySet[Incident]:
    """Incidents of the report: visible, filtered, never duplicates or rejected."""
    base = IncidentFilters(**{**filters.__dict__, "status": None})
    return apply_filters(visible(actor), base).filter(status__in=REPORT_STATUSES).order_by()


def _harm(prefix: str = "") -> dict[str, Sum]:
    """People harmed per kind: SQL's SUM, None when no report records the kind."""
    return {kind: Sum(prefix + kind) for kind in COUNT_KINDS}


def headline(qs: QuerySet[Incident]) -> dict[str, int | None]:
    """Incidents, and people harmed (None where no counted report records them)."""
    out = qs.aggregate(
        incidents=Count("id"),
        **_harm(),
        health_workers_killed=Sum("killed_health_workers"),
        children_killed=Sum("killed_children"),
        children_injured=Sum("injured_children"),
    )
    hit = IncidentTerm.objects.filter(kind="resource", code="facility", incident__in=qs)
    out["facilities_hit"] = hit.values("incident_id").distinct().count()
    out["verified"] = qs.filter(status="verified").count()
    out["conflict"] = qs.filter(cause="armed_conflict").count()
    out["arrested_or_detained"] = plus(out["arrested"], out["detained"])
    out["children_killed_or_injured"] = plus(out["children_killed"], out["children_injured"])
    return {k: None if v is None else int(v) for k, v in out.items()}


def sources(actor: Actor, filters: IncidentFilters) -> list[dict[str, Any]]:
    """Per source (organisation): its reports in the report's scope, those linked to
    another report of the same incident, and the incidents counted under it (those whose
    canonical report is its own); the last row is the total."""
    reports = (
        apply_filters(visible(actor), IncidentFilters(**{**filters.__dict__, "status": None}))
        .filter(status__in=(*REPORT_STATUSES, "duplicate"))
        .order_by()
    )
    others = ClusterMember.objects.filter(
        canonical_id=OuterRef("cluster_member__canonical_id")
    ).exclude(incident_id=OuterRef("pk"))
    rows: list[dict[str, Any]] = [
        dict(r)
        for r in reports.annotate(linked=Exists(others))
        .values("organisation__code", "organisation__name")
        .annotate(
            reports=Count("id"),
            linked_reports=Count("id", filter=Q(linked=True)),
            incidents=Count("id", filter=Q(status__in=REPORT_STATUSES)),
        )
        .order_by("-reports", "organisation__name")
    ]
    total = {
        "organisation__code": "",
        "organisation__name": "",
        **{k: sum(r[k] for r in rows) for k in ("reports", "linked_reports", "incidents")},
    }
    return [*rows, total] if rows else []


def by_month(
    qs: QuerySet[Incident], start: date | None = None, end: date | None = None
) -> list[tuple[str, int]]:
    """Incidents per month, every month from ``start`` (else the first month with an
    incident) to ``end`` (else the last), months without incidents as 0."""
    rows = qs.values(month=TruncMonth("occurred_on")).annotate(n=Count("id")).order_by("month")
    found = {_month_index(r["month"]): r["n"] for r in rows if r["month"]}
    if not found and not (start and end):
        return []
    first = _month_index(start) if start else min(found)
    last = _month_index(end) if end else max(found)
    if found:
        first, last = min(first, min(found)), max(last, max(found))
    return [(f"{m // 12:04d}-{m % 12 + 1:02d}", found.get(m, 0)) for m in range(first, last + 1)]


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def by_field(qs: QuerySet[Incident], field: str, vocabulary: str) -> list[dict[str, Any]]:
    rows = qs.values(field).annotate(n=Count("id"), **_harm()).order_by("-n", field)
    vocab = registry.get(vocabulary)
    return [
        {"code": r[field], "label": vocab.label(r[field]) if r[field] else "—", **r} for r in rows
    ]


def by_term(qs: QuerySet[Incident], kind: str) -> list[dict[str, Any]]:
    """Incidents and people harmed per type or resource code (an incident counts once per
    code it carries)."""
    rows = (
        IncidentTerm.objects.filter(kind=kind, incident__in=qs)
        .values("code")
        .annotate(n=Count("incident_id"), **_harm("incident__"))
        .order_by("-n", "code")
    )
    return [{**r, "label": term_label(r["code"], kind)} for r in rows]


def term_label(code: str, kind: str) -> str:
    if kind == "resource":
        return registry.get("resource").label(code)
    for name in registry.DOMAIN_TYPES.values():
        vocab = registry.get(name)
        if code in vocab:
            return vocab.label(code)
    return code


def top_areas(qs: QuerySet[Incident], limit: int = TOP) -> list[dict[str, Any]]:
    rows = (
        qs.values("country", "admin1_pcode", "admin1_name")
        .annotate(n=Count("id"), lat=Avg("lat"), lon=Avg("lon"), **_harm())
        .order_by("-n", "country", "admin1_name")
    )
    return [dict(r) for r in rows[:limit]]


def map_points(areas: list[dict[str, Any]]) -> list[tuple[float, float, int, str]]:
    """Areas placed at the mean of their incidents' points (or their country's centre)."""
    points = []
    for a in areas:
        where = (a["lon"], a["lat"]) if a["lat"] is not None else centroids.centroid(a["country"])
        if where and where[0] is not None and where[1] is not None:
            label = a["admin1_name"] or a["admin1_pcode"] or a["country"]
            points.append((float(where[0]), float(where[1]), int(a["n"]), label))
    return points


@dataclass
class Grid:
    """A cross-tabulation: row and column labels, counts, totals."""

    rows: list[tuple[str, str]]
    cols: list[tuple[str, str]]
    cells: Mapping[tuple[str, str], int | None]  # None: counted reports, none recording it
    # A cell no incident falls into: 0 for a count of incidents; None ("not recorded")
    # for a count of people, which no report records there.
    empty: int | None = 0

    def matrix(self) -> list[tuple[str, list[int | None], int | None]]:
        out = []
        for code, label in self.rows:
            values = [self.cells.get((code, c), self.empty) for c, _ in self.cols]
            out.append((label, values, plus(*values) if values else self.empty))
        return out

    def col_totals(self) -> list[int | None]:
        return [
            plus(*(self.cells.get((r, c), self.empty) for r, _ in self.rows))
            if self.rows
            else self.empty
            for c, _ in self.cols
        ]


def patterns_of_harm(qs: QuerySet[Incident], limit: int = TOP) -> Grid:
    """Incident type × perpetrator category (most frequent types)."""
    rows = (
        IncidentTerm.objects.filter(kind="type", incident__in=qs)
        .values("code", "incident__perpetrator")
        .annotate(n=Count("incident_id"))
    )
    cells: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (r["code"], r["incident__perpetrator"] or "unknown")
        cells[key] = cells.get(key, 0) + r["n"]
    return _grid(cells, "perpetrator", limit)


def _grid(cells: dict[tuple[str, str], int], col_vocab: str, limit: int) -> Grid:
    totals: dict[str, int] = {}
    for (code, _c), n in cells.items():
        totals[code] = totals.get(code, 0) + n
    top_rows = sorted(totals, key=lambda c: (-totals[c], c))[:limit]
    col_codes = {c for (r, c), n in cells.items() if n and r in top_rows}
    vocab = registry.get(col_vocab)
    cols = [(c, vocab.label(c)) for c in vocab.codes() if c in col_codes]
    cols += [(c, c) for c in sorted(col_codes - set(vocab.codes()))]
    return Grid([(c, term_label(c, "type")) for c in top_rows], cols, cells)


def mrm_table(qs: QuerySet[Incident], *, verified_only: bool) -> tuple[Grid, Grid]:
    """Grave violations by violation × perpetrator: incidents, and children harmed."""
    qs = qs.filter(domain="grave_violation")
    if verified_only:
        qs = qs.filter(status="verified")
    rows = (
        IncidentTerm.objects.filter(kind="type", incident__in=qs)
        .values("code", "incident__perpetrator")
        .annotate(
            n=Count("incident_id"),
            killed=Sum("incident__killed_children"),
            injured=Sum("incident__injured_children"),
            abducted=Sum("incident__abducted_children"),
        )
    )
    incidents: dict[tuple[str, str], int] = {}
    children: dict[tuple[str, str], int | None] = {}
    for r in rows:
        key = (r["code"], r["incident__perpetrator"] or "unknown")
        incidents[key] = incidents.get(key, 0) + r["n"]
        children[key] = plus(children.get(key), r["killed"], r["injured"], r["abducted"])
    vocab = registry.get("mrm_violation")
    perp = registry.get("perpetrator")
    used = {c for _r, c in incidents}
    cols = [(c, perp.label(c)) for c in perp.codes() if c in used]
    cols += [(c, c) for c in sorted(used - set(perp.codes()))]
    row_list = [(c, vocab.label(c)) for c in vocab.codes()]
    return Grid(row_list, cols, incidents), Grid(row_list, cols, children, empty=None)


def ssa_summary(qs: QuerySet[Incident]) -> dict[str, Any]:
    """Attacks on health care by attack type and by resource affected."""
    qs = qs.filter(domain="health_care_attack")
    return {
        "headline": headline(qs),
        "by_type": by_term(qs, "type"),
        "by_resource": by_term(qs, "resource"),
        "by_certainty": by_field(qs, "certainty", "certainty"),
    }


def situation(actor: Actor, filters: IncidentFilters) -> dict[str, Any]:
    qs = counted(actor, filters)
    areas = top_areas(qs)
    excluded = apply_filters(
        visible(actor), IncidentFilters(**{**filters.__dict__, "status": None})
    )
    return {
        "headline": headline(qs),
        "sources": sources(actor, filters),
        "by_month": by_month(qs, filters.date_from, filters.date_to),
        "by_domain": by_field(qs, "domain", "domain"),
        "by_type": by_term(qs, "type")[:TOP],
        "by_cause": by_field(qs, "cause", "cause"),
        "by_certainty": by_field(qs, "certainty", "certainty"),
        "top_areas": areas,
        "map_points": map_points(areas),
        "harm": patterns_of_harm(qs),
        "limits": {
            "duplicates": excluded.filter(status="duplicate").count(),
            "rejected": excluded.filter(status="rejected").count(),
            "drafts": qs.filter(status="draft").count(),
            "no_area": qs.filter(admin1_pcode="", admin1_name="").count(),
            "organisations": qs.values("organisation_id").distinct().count(),
        },
    }
