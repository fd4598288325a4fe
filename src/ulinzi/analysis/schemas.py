"""JSON shapes of the dashboard document and the vulnerable-areas ranking in the API."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field


class CellOut(Schema):
    v: int | None = Field(description="null: a count of people no counted incident records")
    href: str | None = Field(description="the incident list behind the number, if one selects it")


class SeriesItemOut(Schema):
    key: str
    label: str
    total: int | None = Field(description="people: null where no incident records the count")
    href: str | None
    values: list[int | None]


class SeriesOut(Schema):
    model_config = ConfigDict(extra="allow")

    periods: list[str] = Field(description="first day of each period, ISO 8601")
    bounds: list[list[str]]
    series: list[SeriesItemOut]


class CausesOut(SeriesOut):
    conflict_share: int | None = Field(description="percent of known causes")


class NotCountedOut(Schema):
    status: str
    label: str
    incidents: CellOut


class SummaryOut(Schema):
    """Every dashboard panel; each number comes with the list link behind it."""

    filters: dict[str, Any]
    interval: str
    stack: str | None
    counted_statuses: list[str]
    not_counted: list[NotCountedOut]
    totals: dict[str, CellOut]
    over_time: SeriesOut
    casualties: SeriesOut
    causes: CausesOut
    harm_health: dict[str, Any]
    harm_other: dict[str, Any]
    areas: list[dict[str, Any]]
    certainty: list[dict[str, Any]]
    countries: list[dict[str, Any]]
    points: list[dict[str, Any]] = Field(description="lat, lon and n per 0.1° cell")
    points_located: int


class PeriodOut(Schema):
    start: str
    end: str


class RankedOut(Schema):
    rank: int
    label: str
    score: float
    incidents: int
    killed: int | None = Field(description="null: no incident of the group records it")
    injured: int | None = Field(description="null: no incident of the group records it")
    facilities_hit: int
    recent: int
    first_half: int
    second_half: int
    components: dict[str, float]
    contributions: dict[str, float]
    href: str | None


class AreasOut(Schema):
    period: PeriodOut | None
    weights: dict[str, float]
    recent_days: int
    areas: list[RankedOut]
    facility_types: list[RankedOut]
