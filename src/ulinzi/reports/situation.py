"""The numbers of a situation report, and the annual MRM and SSA summary tables.

Counts follow the dashboard: what the user may see, with the filters; duplicates and
rejected reports never count (drafts do: the organisation recorded them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, IntegerField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from ulinzi.accounts.access import Actor
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


def _sum(name: str) -> Coalesce:
    return Coalesce(Sum(name), Value(0), output_field=IntegerField())


def _harm(prefix: str = "") -> dict[str, Coalesce]:
    return {kind: _sum(prefix + kind) for kind in COUNT_KINDS}


def headline(qs: QuerySet[Incident]) -> dict[str, int]:
    out = qs.aggregate(
        incidents=Count("id"),
        **_harm(),
        health_workers_killed=_sum("killed_health_workers"),
        children_killed=_sum("killed_children"),
        children_injured=_sum("injured_children"),
    )
    hit = IncidentTerm.objects.filter(kind="resource", code="facility", incident__in=qs)
    out["facilities_hit"] = hit.values("incident_id").distinct().count()
    out["verified"] = qs.filter(status="verified").count()
    out["conflict"] = qs.filter(cause="armed_conflict").count()
    return {k: int(v or 0) for k, v in out.items()}


def by_month(qs: QuerySet[Incident]) -> list[tuple[str, int]]:
    rows = qs.values(month=TruncMonth("occurred_on")).annotate(n=Count("id")).order_by("month")
    return [(r["month"].strftime("%Y-%m"), r["n"]) for r in rows if r["month"]]


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
    cells: dict[tuple[str, str], int]

    def matrix(self) -> list[tuple[str, list[int], int]]:
        out = []
        for code, label in self.rows:
            values = [self.cells.get((code, c), 0) for c, _ in self.cols]
            out.append((label, values, sum(values)))
        return out

    def col_totals(self) -> list[int]:
        return [sum(self.cells.get((r, c), 0) for r, _ in self.rows) for c, _ in self.cols]


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
            children=Coalesce(
                Sum("incident__killed_children"), Value(0), output_field=IntegerField()
            )
            + Coalesce(Sum("incident__injured_children"), Value(0), output_field=IntegerField())
            + Coalesce(Sum("incident__abducted_children"), Value(0), output_field=IntegerField()),
        )
    )
    incidents: dict[tuple[str, str], int] = {}
    children: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (r["code"], r["incident__perpetrator"] or "unknown")
        incidents[key] = incidents.get(key, 0) + r["n"]
        children[key] = children.get(key, 0) + int(r["children"] or 0)
    vocab = registry.get("mrm_violation")
    perp = registry.get("perpetrator")
    used = {c for _r, c in incidents}
    cols = [(c, perp.label(c)) for c in perp.codes() if c in used]
    cols += [(c, c) for c in sorted(used - set(perp.codes()))]
    row_list = [(c, vocab.label(c)) for c in vocab.codes()]
    return Grid(row_list, cols, incidents), Grid(row_list, cols, children)


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
        "by_month": by_month(qs),
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
