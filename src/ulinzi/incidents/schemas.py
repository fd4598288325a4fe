"""JSON shapes of incidents in the API (field names as in DESIGN.md)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Schema
from pydantic import ConfigDict, Field

from ulinzi.incidents.models import COUNT_FIELDS, Incident


class _Counts(Schema):
    killed: int | None = None
    killed_health_workers: int | None = None
    killed_patients: int | None = None
    killed_children: int | None = None
    injured: int | None = None
    injured_health_workers: int | None = None
    injured_patients: int | None = None
    injured_children: int | None = None
    abducted: int | None = None
    abducted_health_workers: int | None = None
    abducted_patients: int | None = None
    abducted_children: int | None = None
    arrested: int | None = None
    arrested_health_workers: int | None = None
    arrested_patients: int | None = None
    arrested_children: int | None = None
    detained: int | None = None
    detained_health_workers: int | None = None
    detained_patients: int | None = None
    detained_children: int | None = None


class VictimCount(Schema):
    """People of one victim group harmed in one way, optionally of one sex and age."""

    model_config = ConfigDict(extra="forbid")

    group: str = Field(description="a code of vocabulary victim_group (students, aid_workers…)")
    kind: str = Field(description="killed, injured, abducted, arrested, detained or affected")
    count: int
    sex: str | None = Field(None, description="female, male or unknown")
    age: str | None = Field(None, description="child, adult or unknown")


class IncidentIn(_Counts):
    """A new incident. Only ``domain``, ``occurred_on`` and ``country`` are required."""

    model_config = ConfigDict(extra="forbid")

    organisation: str | None = Field(None, description="code of the reporting organisation")
    source_id: str | None = Field(None, description="your own id; makes creation idempotent")
    domain: str
    types: list[str] = []
    occurred_on: date
    occurred_precision: str = "day"
    occurred_time: str = ""
    country: str = Field(description="ISO 3166 alpha-3")
    admin1_pcode: str = ""
    admin1_name: str = ""
    admin2_pcode: str = ""
    admin2_name: str = ""
    lat: float | None = None
    lon: float | None = None
    geo_precision: str = ""
    cause: str = "unknown"
    certainty: str = ""
    perpetrator: str = ""
    resources: list[str] = []
    facility_type: str = ""
    narrative: str = ""
    victims: list[VictimCount] = []
    status: str = Field("submitted", description="draft or submitted")


class IncidentPatch(_Counts):
    """Fields to change; anything left out stays as it is."""

    model_config = ConfigDict(extra="forbid")

    source_id: str | None = None
    domain: str | None = None
    types: list[str] | None = None
    occurred_on: date | None = None
    occurred_precision: str | None = None
    occurred_time: str | None = None
    country: str | None = None
    admin1_pcode: str | None = None
    admin1_name: str | None = None
    admin2_pcode: str | None = None
    admin2_name: str | None = None
    lat: float | None = None
    lon: float | None = None
    geo_precision: str | None = None
    cause: str | None = None
    certainty: str | None = None
    perpetrator: str | None = None
    resources: list[str] | None = None
    facility_type: str | None = None
    narrative: str | None = None
    victims: list[VictimCount] | None = None


class IncidentOut(_Counts):
    id: UUID
    organisation: str
    dataset: str = Field(
        "", description="the organisation's dataset the record came from (empty: its default)"
    )
    source_id: str | None = Field(description="unique within the dataset")
    event_id: str = Field(
        "", description="the publisher's id of the event, shared across its datasets"
    )
    domain: str
    types: list[str]
    occurred_on: date
    occurred_precision: str
    occurred_time: str
    country: str
    admin1_pcode: str
    admin1_name: str
    admin2_pcode: str
    admin2_name: str
    lat: float | None
    lon: float | None
    geo_precision: str
    cause: str
    certainty: str
    perpetrator: str
    resources: list[str]
    facility_type: str
    victims: list[VictimCount] = []
    narrative: str | None = Field(
        None, description="present only for roles that may read it; each read is audited"
    )
    status: str
    status_reason: str | None = Field(
        None,
        description="verification note or rejection reason; present only for roles that "
        "may read the narrative; each read is audited",
    )
    created_at: datetime
    updated_at: datetime
    version: int = Field(description="one more at every change; also the ETag")

    @classmethod
    def build(cls, incident: Incident, texts: dict[str, str] | None) -> IncidentOut:
        """The incident as the API shows it; ``texts`` are the narrative and status reason
        the reader may see (``services.read_texts``), ``None`` for neither."""
        values = {
            name: getattr(incident, name)
            for name in cls.model_fields
            if hasattr(incident, name) and name not in ("narrative", "status_reason")
        }
        values["organisation"] = incident.organisation.code
        values.update(texts or {})
        return cls(**values)


class IncidentPage(Schema):
    items: list[IncidentOut]
    next_cursor: str | None


class ChangeOut(Schema):
    at: datetime
    username: str
    action: str
    changes: dict[str, list[object]]
    reason: str | None = Field(
        description="note or reason given; null for roles that may not read the narrative"
    )


class VerifyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    certainty: str | None = None
    note: str = ""


class RejectIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str


COUNT_NAMES = COUNT_FIELDS
