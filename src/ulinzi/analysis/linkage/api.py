"""``/api/v1/linkage`` (review queue, runs, sources of an incident) and
``/api/v1/estimates`` (multiple systems estimation on linked incidents)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from ulinzi.analysis.linkage import policies, review, selectors, tasks
from ulinzi.analysis.linkage.models import ReviewPair
from ulinzi.analysis.linkage.schemas import (
    EstimateOut,
    PairOut,
    QueuedOut,
    QueueOut,
    RunOut,
    SourcesOut,
)
from ulinzi.common.api_auth import actor
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed
from ulinzi.incidents import selectors as incident_selectors
from ulinzi.incidents.models import Incident

router = Router(tags=["linkage"])
MAX_OFFSET = 2**31 - 1  # databases cannot skip more
estimates_router = Router(tags=["estimates"])

SUMMARY_FIELDS = (
    "domain", "types", "occurred_on", "occurred_precision", "country", "admin1_pcode",
    "admin1_name", "admin2_pcode", "admin2_name", "lat", "lon", "geo_precision",
    "facility_type", "killed", "injured", "perpetrator", "certainty", "status",
)  # fmt: skip


def incident_summary(incident: Incident) -> dict[str, Any]:
    """The fields the linkage compares (never the narrative)."""
    out: dict[str, Any] = {"id": str(incident.pk), "organisation": incident.organisation.code}
    for name in SUMMARY_FIELDS:
        value = getattr(incident, name)
        out[name] = value.isoformat() if isinstance(value, date) else value
    return out


def pair_out(pair: ReviewPair) -> dict[str, Any]:
    return {
        "id": pair.pk,
        "match_probability": round(pair.match_probability, 4),
        "match_weight": round(pair.match_weight, 3),
        "evidence": pair.evidence,
        "decision": pair.decision or "pending",
        "note": pair.note,
        "decided_at": pair.decided_at.isoformat() if pair.decided_at else None,
        "left": incident_summary(pair.left),
        "right": incident_summary(pair.right),
    }


class QueueParams(Schema):
    decided: bool = False
    limit: int = 50
    offset: int = Field(0, le=MAX_OFFSET, description="pairs to skip")


class DecisionIn(Schema):
    decision: str
    note: str = ""


class RunIn(Schema):
    country: str = ""
    since: date | None = None


@router.get(
    "/review", response=QueueOut, summary="Pairs of reports awaiting a decision (coordinators)"
)
def review_queue(request: HttpRequest, params: Query[QueueParams]) -> dict[str, Any]:
    qs = selectors.review_queue(actor(request), decided=params.decided)
    limit = max(1, min(params.limit, 200))
    offset = max(0, params.offset)
    items = list(qs[offset : offset + limit + 1])
    return {
        "items": [pair_out(p) for p in items[:limit]],
        "next_offset": offset + limit if len(items) > limit else None,
    }


@router.get(
    "/review/{pair_id}", response=PairOut, summary="One pair, side by side, with its evidence"
)
def review_pair(request: HttpRequest, pair_id: int) -> dict[str, Any]:
    return pair_out(selectors.review_pair(actor(request), pair_id))


@router.post(
    "/review/{pair_id}/decision", response=PairOut, summary="Confirm (same incident) or split"
)
def decide(request: HttpRequest, pair_id: int, payload: DecisionIn) -> dict[str, Any]:
    who = actor(request)
    pair = selectors.review_pair(who, pair_id)
    review.decide(actor=who, pair=pair, decision=payload.decision, note=payload.note)
    return pair_out(pair)


@router.get(
    "/incidents/{incident_id}/sources",
    response=SourcesOut,
    summary="The reports linked with an incident",
)
def sources(request: HttpRequest, incident_id: UUID) -> dict[str, Any]:
    who = actor(request)
    incident = incident_selectors.get(who, incident_id)
    reports = selectors.sources_of(who, incident)
    member = getattr(incident, "cluster_member", None)
    return {
        "canonical": str(member.canonical_id) if member else str(incident.pk),
        "sources": [incident_summary(i) for i in reports],
    }


@router.get("/runs", response=list[RunOut], summary="Linkage runs, newest first")
def runs(request: HttpRequest) -> list[dict[str, Any]]:
    who = actor(request)
    if not policies.can_estimate(who):
        raise NotAllowed("coordinators and analysts see linkage runs")
    return [
        {
            "id": r.pk,
            "state": r.state,
            "started_at": r.started_at.isoformat(),
            "finished_at": r.finished_at.isoformat() if r.finished_at else None,
            "country": r.country,
            "since": r.since.isoformat() if r.since else None,
            "reports": r.reports,
            "clusters": r.clusters,
            "linked": r.linked,
            "review_pairs": r.review_pairs,
            "trained": r.trained,
            "seconds": r.seconds,
            "error": r.error,
        }
        for r in selectors.runs()[:50]
    ]


@router.post("/runs", response={202: QueuedOut}, summary="Queue a linkage run (coordinators)")
def start_run(request: HttpRequest, payload: RunIn) -> tuple[int, dict[str, Any]]:
    who = actor(request)
    if not policies.can_run(who):
        raise NotAllowed("only coordinators start a linkage run")
    country = payload.country.strip().upper()
    if country and (len(country) != 3 or not country.isalpha()):
        raise InvalidInput([FieldProblem("country", "must be an ISO3 code", payload.country)])
    result = tasks.link_incidents.enqueue(
        country=country,
        since=payload.since.isoformat() if payload.since else "",
        user_id=who.user_id,
    )
    return 202, {"task": str(result.id), "status": "queued"}


class EstimateParams(Schema):
    country: str = ""
    period: str = ""
    domain: str = ""
    admin1: str = ""


@estimates_router.get(
    "", response=EstimateOut, summary="Documented vs estimated incidents for a stratum"
)
def estimates(request: HttpRequest, params: Query[EstimateParams]) -> dict[str, Any]:
    from ulinzi.analysis.linkage import estimates as estimate_service

    return estimate_service.for_stratum(
        actor(request),
        country=params.country,
        period=params.period,
        domain=params.domain,
        admin1=params.admin1,
    )
