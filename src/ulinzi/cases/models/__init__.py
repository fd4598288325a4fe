"""The models of the cases app, one module per concern."""

from ulinzi.cases.models.case import LEVEL_ORDER, Case, CaseNote, RiskLevel, TimelineEntry
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
    "LEVEL_ORDER",
    "PLAN_STATUSES",
    "AreaCoordinator",
    "Case",
    "CaseNote",
    "Consent",
    "GivenBy",
    "Instrument",
    "MeasureKind",
    "MeasureStatus",
    "Notification",
    "ProtectiveMeasure",
    "Purpose",
    "Referral",
    "ReferralStatus",
    "RiskAssessment",
    "RiskLevel",
    "ShareField",
    "TimelineEntry",
    "Violation",
]
