"""JSON shapes of the linkage review queue, runs and estimates in the API."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field


class IncidentSummaryOut(Schema):
    """The fields the linkage compares (never the narrative)."""

    id: str
    organisation: str
    domain: str
    types: list[str]
    occurred_on: str
    occurred_precision: str
    country: str
    admin1_pcode: str
    admin1_name: str
    admin2_pcode: str
    admin2_name: str
    lat: float | None
    lon: float | None
    geo_precision: str
    facility_type: str
    killed: int | None
    injured: int | None
    perpetrator: str
    certainty: str
    status: str


class PairOut(Schema):
    id: int
    match_probability: float
    match_weight: float
    evidence: list[Any]
    decision: str
    note: str
    decided_at: str | None
    left: IncidentSummaryOut
    right: IncidentSummaryOut


class QueueOut(Schema):
    items: list[PairOut]
    next_offset: int | None


class SourcesOut(Schema):
    canonical: str = Field(description="id of the incident the reports are linked under")
    sources: list[IncidentSummaryOut]


class RunOut(Schema):
    id: int
    state: str
    started_at: str
    finished_at: str | None
    country: str
    since: str | None
    reports: int
    clusters: int
    linked: int
    review_pairs: int
    trained: bool
    seconds: dict[str, Any] = Field(description="seconds per step")
    error: str


class QueuedOut(Schema):
    task: str
    status: str


class StratumOut(Schema):
    country: str
    period: str
    start: str
    end: str
    domain: str | None
    admin1: str | None


class ConvergenceOut(Schema):
    chains: int
    draws_per_chain: int
    burn_in: int
    rhat: float
    effective_draws: int
    converged: bool


class LatentClassOut(Schema):
    """The latent-class (LCMCR-style) estimate: right under heterogeneity shared by
    every source; its convergence checks say whether to read it."""

    estimate: int
    interval: list[int]
    level: float
    unrecorded_estimate: int
    mean: float
    method: str
    classes_occupied: float
    convergence: ConvergenceOut
    seed: int | None
    seconds: float


class EstimateOut(Schema):
    """Documented incidents of a stratum and, with three sources or more, the estimate
    with its interval, method and caveats (further members describe the models)."""

    model_config = ConfigDict(extra="allow")

    stratum: StratumOut
    documented: int
    sources: int
    estimate: int | float | None
    interval: list[int | float | None] | None
    latent_class: LatentClassOut | None = None
    guidance: list[str] = Field(default_factory=list)
    caveats: list[str]
