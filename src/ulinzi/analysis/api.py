"""``/api/v1/analysis``: the dashboard's numbers and the vulnerable-areas ranking as JSON."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from ulinzi.analysis import policies, ranking, summary
from ulinzi.analysis.params import DashboardParams
from ulinzi.analysis.schemas import AreasOut, SummaryOut
from ulinzi.common.api_auth import actor
from ulinzi.common.problems import NotAllowed
from ulinzi.incidents.filters import FilterQuery

router = Router(tags=["analysis"])


class SummaryParams(FilterQuery):
    """Same filters as the incident list; ``status`` may only narrow the counted
    statuses (draft, submitted, verified): duplicates and rejected reports never count."""

    interval: str | None = None
    stack: str | None = None


def _params(request: HttpRequest, params: SummaryParams) -> DashboardParams:
    if not policies.can_view_dashboard(actor(request)):
        raise NotAllowed("the analysis is for coordinators and analysts")
    return DashboardParams.from_query(params.dict())


@router.get(
    "/summary",
    response=SummaryOut,
    summary="Every dashboard panel for the filters, with list links",
)
def get_summary(request: HttpRequest, params: Query[SummaryParams]) -> dict[str, Any]:
    return summary.build(actor(request), _params(request, params))


@router.get(
    "/areas",
    response=AreasOut,
    summary="Vulnerable areas and facility types, ranked with their reasons",
)
def get_areas(request: HttpRequest, params: Query[SummaryParams]) -> dict[str, Any]:
    return ranking.as_json(ranking.build(actor(request), _params(request, params)))
