"""``/api/v1/reports/anonymous``: submission and receipt access without an account;
the handlers' queue for coordinators and investigators of the receiving organisation.
The receipt only ever travels in a POST body, never in a URL."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Router

from ulinzi.common.api_auth import actor
from ulinzi.common.problems import NotFound, Problem, problem
from ulinzi.intake.anonymous import ratelimit, selectors, services
from ulinzi.intake.anonymous.middleware import forget_client
from ulinzi.intake.anonymous.models import AnonymousReport
from ulinzi.intake.anonymous.schemas import (
    IncidentLinkOut,
    QueueItemOut,
    ReceiptIn,
    ReceiptOut,
    ReplyIn,
    ReporterMessageIn,
    ReportIn,
    ReportOut,
    StageIn,
    StatusOut,
)

router = Router(tags=["anonymous reports"])
NO_REPORT = "no report answers to this receipt; check the code (a lost receipt cannot be recovered)"


def client_of(request: HttpRequest) -> str:
    """The salted rate-limit key of the client (the middleware computed it)."""
    if not hasattr(request, "anonymous_client"):
        forget_client(request)
    return str(request.anonymous_client)  # type: ignore[attr-defined]


def limited(kind: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Count the call against the ``kind`` limits; answer 429 problem+json beyond them."""

    def wrap(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            try:
                ratelimit.hit(kind, client_of(request))
            except ratelimit.RateLimited as exc:
                response = HttpResponse(
                    json.dumps(problem(429, "Too many attempts", str(exc))),
                    status=429,
                    content_type="application/problem+json",
                )
                response["Retry-After"] = str(exc.retry_after)
                return response
            return view(request, *args, **kwargs)

        return inner

    return wrap


def _open(receipt: str) -> AnonymousReport:
    report = services.find_by_receipt(receipt)
    if report is None:
        raise NotFound(NO_REPORT)
    return report


@router.post(
    "",
    auth=None,
    response={200: ReceiptOut, 201: ReceiptOut, 409: Problem, 429: Problem, 503: Problem},
    summary="Report anonymously",
    description="201: recorded. 200: a resend of a receipt you drew, already recorded "
    "(nothing changed). 409: that receipt is taken, draw another.",
)
@limited("submit")
def submit(request: HttpRequest, payload: ReportIn) -> tuple[int, dict[str, Any]]:
    done = services.submit(data=payload.dict(), language=get_language() or "")
    return (200 if done.resent else 201), {
        "receipt": done.receipt,
        "stage": done.report.stage,
        "submitted_on": done.report.submitted_on,
    }


@router.post(
    "/status",
    auth=None,
    response={200: StatusOut, 404: Problem, 429: Problem, 503: Problem},
    summary="Stage and messages",
)
@limited("receipt")
def status(request: HttpRequest, payload: ReceiptIn) -> dict[str, Any]:
    return selectors.status_for_reporter(_open(payload.receipt))


@router.post(
    "/messages",
    auth=None,
    response={201: StatusOut, 404: Problem, 429: Problem, 503: Problem},
    summary="Write to the handlers",
)
@limited("receipt")
def write(request: HttpRequest, payload: ReporterMessageIn) -> tuple[int, dict[str, Any]]:
    report = _open(payload.receipt)
    services.reporter_writes(report=report, body=payload.body)
    return 201, selectors.status_for_reporter(report)


def _item(report: AnonymousReport, awaiting: bool | None = None) -> dict[str, Any]:
    return {
        "id": report.pk,
        "organisation": report.organisation.code if report.organisation else None,
        "category": report.category,
        "country": report.country,
        "admin1_name": report.admin1_name,
        "occurred_on": report.occurred_on,
        "occurred_precision": report.occurred_precision,
        "submitted_on": report.submitted_on,
        "stage": report.stage,
        "stage_changed_on": report.stage_changed_on,
        "message_count": getattr(report, "message_count", None) or report.messages.count(),
        "awaiting_reply": selectors.awaiting_reply(report) if awaiting is None else awaiting,
        "incident": report.incident_id,
    }


def _full(request: HttpRequest, report: AnonymousReport) -> dict[str, Any]:
    services.handler_reads(actor=actor(request), report=report)
    return {
        **_item(report),
        "what_happened": report.what_happened,
        "contact_preference": report.contact_preference,
        "language": report.language,
        "messages": selectors.messages_for_handler(report),
    }


@router.get("/queue", response=list[QueueItemOut], summary="Reports your organisation handles")
def queue(request: HttpRequest, stage: str | None = None) -> list[dict[str, Any]]:
    return [_item(r) for r in selectors.queue(actor(request), stage)[:500]]


@router.get("/queue/{report_id}", response=ReportOut, summary="One report, with messages")
def read(request: HttpRequest, report_id: UUID) -> dict[str, Any]:
    return _full(request, selectors.get(actor(request), report_id))


@router.post(
    "/queue/{report_id}/messages", response={201: ReportOut}, summary="Reply to the reporter"
)
def reply(request: HttpRequest, report_id: UUID, payload: ReplyIn) -> tuple[int, dict[str, Any]]:
    who = actor(request)
    report = selectors.get(who, report_id)
    services.handler_replies(actor=who, report=report, body=payload.body)
    return 201, _full(request, report)


@router.post("/queue/{report_id}/stage", response=ReportOut, summary="Change the stage")
def stage(request: HttpRequest, report_id: UUID, payload: StageIn) -> dict[str, Any]:
    who = actor(request)
    report = selectors.get(who, report_id)
    services.change_stage(actor=who, report=report, stage=payload.stage)
    return _full(request, report)


@router.post(
    "/queue/{report_id}/incident",
    response={200: IncidentLinkOut, 201: IncidentLinkOut},
    summary="Turn the report into an incident",
)
def to_incident(request: HttpRequest, report_id: UUID) -> tuple[int, dict[str, Any]]:
    who = actor(request)
    report = selectors.get(who, report_id)
    incident, created = services.to_incident(actor=who, report=report)
    return (201 if created else 200), {"incident": incident.pk, "created": created}
