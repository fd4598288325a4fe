"""Reads of anonymous reports: the handlers' queue (scoped by the acting user) and
what the holder of a receipt may see (the stage and the messages, nothing internal)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet

from ulinzi.accounts.access import Actor
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed, NotFound
from ulinzi.intake.anonymous import policies
from ulinzi.intake.anonymous.models import AnonymousReport, ReportMessage, Stage


def queue(actor: Actor, stage: str | None = None) -> QuerySet[AnonymousReport]:
    """Reports received by the actor's organisations (newest first)."""
    if not policies.can_handle_any(actor):
        raise NotAllowed("only coordinators and investigators handle anonymous reports")
    qs = AnonymousReport.objects.filter(organisation_id__in=policies.handling_orgs(actor))
    if stage:
        if stage not in Stage.values:
            raise InvalidInput(
                [FieldProblem("stage", f"must be one of {', '.join(Stage.values)}", stage)]
            )
        qs = qs.filter(stage=stage)
    return (
        qs.select_related("organisation")
        .annotate(
            message_count=Count("messages"),
            reporter_messages=Count("messages", filter=Q(messages__author="reporter")),
        )
        .order_by("-submitted_on", "id")
    )


def get(actor: Actor, report_id: UUID | str) -> AnonymousReport:
    """One report the actor handles; :class:`NotFound` for any other."""
    if not policies.can_handle_any(actor):
        raise NotAllowed("only coordinators and investigators handle anonymous reports")
    report = (
        AnonymousReport.objects.select_related("organisation", "incident")
        .filter(pk=report_id, organisation_id__in=policies.handling_orgs(actor))
        .first()
    )
    if report is None:
        raise NotFound("no anonymous report you handle has this id")
    return report


def awaiting_reply(report: AnonymousReport) -> bool:
    """The last message came from the reporter."""
    last = report.messages.order_by("-id").values_list("author", flat=True).first()
    return last == ReportMessage.Author.REPORTER


def messages_for_handler(report: AnonymousReport) -> list[dict[str, Any]]:
    return [
        {
            "author": m.author,
            "handler": m.handler.username if m.handler else "",
            "body": m.body,
            "sent_on": m.sent_on,
        }
        for m in report.messages.select_related("handler")
    ]


def status_for_reporter(report: AnonymousReport) -> dict[str, Any]:
    """What the receipt holder sees: no organisation, no handler names, no links."""
    return {
        "category": report.category,
        "category_label": report.get_category_display(),
        "stage": report.stage,
        "stage_label": report.get_stage_display(),
        "submitted_on": report.submitted_on,
        "stage_changed_on": report.stage_changed_on,
        "messages": [
            {"author": m.author, "body": m.body, "sent_on": m.sent_on}
            for m in report.messages.all()
        ],
    }
