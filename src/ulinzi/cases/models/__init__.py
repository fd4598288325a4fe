"""The models of the cases app, one module per concern."""

from ulinzi.cases.models.case import LEVEL_ORDER, Case, CaseNote, RiskLevel, TimelineEntry
from ulinzi.cases.models.complaint import (
    DEFAULT_DEADLINE_DAYS,
    STAGE_ORDER,
    AssistanceKind,
    AssistanceStatus,
    Complaint,
    ComplaintMessage,
    ComplaintNote,
    Outcome,
    Source,
    Stage,
    StageDeadline,
    StagePeriod,
    VictimAssistance,
)
from ulinzi.cases.models.consent import Consent, GivenBy, Purpose, ShareField
from ulinzi.cases.models.measures import (
    PLAN_STATUSES,
    MeasureKind,
    MeasureStatus,
    ProtectiveMeasure,
    Violation,
)
from ulinzi.cases.models.notification import AreaCoordinator, Notification
from ulinzi.cases.models.referral import Referral, ReferralStatus
from ulinzi.cases.models.risk import Instrument, RiskAssessment

__all__ = [
    "DEFAULT_DEADLINE_DAYS",
    "LEVEL_ORDER",
    "PLAN_STATUSES",
    "STAGE_ORDER",
    "AreaCoordinator",
    "AssistanceKind",
    "AssistanceStatus",
    "Case",
    "CaseNote",
    "Complaint",
    "ComplaintMessage",
    "ComplaintNote",
    "Consent",
    "GivenBy",
    "Instrument",
    "MeasureKind",
    "MeasureStatus",
    "Notification",
    "Outcome",
    "ProtectiveMeasure",
    "Purpose",
    "Referral",
    "ReferralStatus",
    "RiskAssessment",
    "RiskLevel",
    "ShareField",
    "Source",
    "Stage",
    "StageDeadline",
    "StagePeriod",
    "TimelineEntry",
    "VictimAssistance",
    "Violation",
]
