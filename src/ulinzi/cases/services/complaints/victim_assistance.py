"""Victim assistance: tracked apart from the stages, opened at intake, recorded at any
stage and after the outcome too, whatever the investigation finds."""

from __future__ import annotations

from datetime import date

from ulinzi.accounts.access import Actor
from ulinzi.cases.models import AssistanceKind, AssistanceStatus, Complaint, VictimAssistance
from ulinzi.cases.services.complaints.common import MAX_TEXT, require_handler
from ulinzi.common.problems import FieldProblem, InvalidInput


def open_needs_assessment(complaint: Complaint, on: date) -> VictimAssistance:
    """The pending needs assessment every complaint starts with."""
    return VictimAssistance.objects.create(
        complaint=complaint,
        kind=AssistanceKind.NEEDS_ASSESSMENT,
        status=AssistanceStatus.PENDING,
        started_on=on,
    )


def add_assistance(
    *,
    actor: Actor,
    complaint: Complaint,
    kind: str,
    status: str = "pending",
    provider: str = "",
    note: str = "",
) -> VictimAssistance:
    """Victim assistance may be recorded at any stage, after closing too."""
    user = require_handler(actor, complaint)
    problems = []
    if kind not in AssistanceKind.values:
        problems.append(
            FieldProblem("kind", f"must be one of {', '.join(AssistanceKind.values)}", kind)
        )
    if status not in AssistanceStatus.values:
        problems.append(
            FieldProblem("status", f"must be one of {', '.join(AssistanceStatus.values)}", status)
        )
    if problems:
        raise InvalidInput(problems)
    return VictimAssistance.objects.create(
        complaint=complaint,
        kind=kind,
        status=status,
        provider=provider[:200],
        note=note[:MAX_TEXT],
        started_on=date.today(),
        recorded_by=user,
    )
