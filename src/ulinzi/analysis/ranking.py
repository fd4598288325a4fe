"""The vulnerable-areas page: who may see what, the period, and the ranked rows with the
reasons for each rank (the scoring itself is :mod:`ulinzi.analysis.vulnerability`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ulinzi.accounts.access import Actor
from ulinzi.analysis import aggregates, vulnerability
from ulinzi.analysis.params import DashboardParams, incident_list_url
from ulinzi.vocab import registry

LIMIT = 30


def build(actor: Actor, params: DashboardParams) -> dict[str, Any]:
    """Areas and facility types ranked over the period of the filters (by default the
    12 months up to the latest incident), each with its components and list link."""
    f = params.filters
    qs = aggregates.counted_incidents(actor, replace(f, date_from=None, date_to=None))
    period = vulnerability.default_period(qs, f.date_from, f.date_to)
    out: dict[str, Any] = {
        "period": period,
        "weights": vulnerability.DEFAULT_WEIGHTS,
        "areas": [],
        "facility_types": [],
        "recent_days": vulnerability.RECENT_DAYS,
    }
    if period is None:
        return out
    in_period = replace(f, date_from=period.start, date_to=period.end)
    for r in vulnerability.rank(vulnerability.area_stats(qs, period))[:LIMIT]:
        row = r.stats.extra
        href = incident_list_url(
            in_period, country=row["country"], admin1=row["name"] or row["pcode"]
        )
        out["areas"].append({"ranked": r, "href": href, "country": row["country"]})
    facility_vocab = registry.get("facility_type")
    for r in vulnerability.rank(vulnerability.facility_type_stats(qs, period)):
        code = r.stats.key[0]
        # The incident list has no facility-type filter: these rows carry no link.
        out["facility_types"].append(
            {"ranked": r, "label": facility_vocab.label(code), "href": None, "code": code}
        )
    return out


def as_json(result: dict[str, Any]) -> dict[str, Any]:
    period = result["period"]

    def rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "rank": i["ranked"].rank,
                "label": i.get("label") or i["ranked"].stats.label,
                "score": round(i["ranked"].score, 1),
                "incidents": i["ranked"].stats.incidents,
                "killed": i["ranked"].stats.killed,
                "injured": i["ranked"].stats.injured,
                "facilities_hit": i["ranked"].stats.facilities,
                "recent": i["ranked"].stats.recent,
                "first_half": i["ranked"].stats.first_half,
                "second_half": i["ranked"].stats.second_half,
                "components": {k: round(v, 3) for k, v in i["ranked"].components.items()},
                "contributions": {k: round(v, 1) for k, v in i["ranked"].contributions.items()},
                "href": i["href"],
            }
            for i in items
        ]

    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()}
        if period
        else None,
        "weights": vars(result["weights"]),
        "recent_days": result["recent_days"],
        "areas": rows(result["areas"]),
        "facility_types": rows(result["facility_types"]),
    }
