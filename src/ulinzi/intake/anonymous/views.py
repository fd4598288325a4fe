"""Pages: the public report and status pages (no account; the receipt only in POST
bodies), and the handlers' queue. Logic lives in services and selectors."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ulinzi.accounts.access import Actor, of_request
from ulinzi.common.problems import Conflict, InvalidInput, NotAllowed, NotFound
from ulinzi.common.views import forbidden
from ulinzi.intake.anonymous import ratelimit, selectors, services
from ulinzi.intake.anonymous.api import client_of
from ulinzi.intake.anonymous.forms import (
    ReceiptForm,
    ReplyForm,
    ReporterMessageForm,
    ReportForm,
    StageForm,
)
from ulinzi.intake.anonymous.models import AnonymousReport, Stage


def _too_many(request: HttpRequest, exc: ratelimit.RateLimited) -> HttpResponse:
    response = render(
        request, "anonymous/limited.html", {"minutes": max(1, exc.retry_after // 60)}, status=429
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """The public form; a successful POST answers with the receipt (shown once)."""
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        try:
            ratelimit.hit("submit", client_of(request))
        except ratelimit.RateLimited as exc:
            return _too_many(request, exc)
        data = form.submission()
        if data is not None:
            try:
                done = services.submit(data=data, language=get_language() or "")
            except Conflict:  # the page drew a taken receipt: it draws another when resent
                form.add_error(None, _("Something went wrong. Please send the report again."))
            else:
                return render(
                    request,
                    "anonymous/receipt.html",
                    {
                        "receipt": done.receipt,
                        "groups": done.receipt.split("-"),
                        "resent": done.resent,
                    },
                )
    return render(request, "anonymous/report.html", {"form": form})


@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    """Enter the receipt (POST), see the stage and messages, write to the handlers."""
    if request.method != "POST":
        return render(request, "anonymous/status.html", {"form": ReceiptForm()})
    writing = request.POST.get("action") == "write"
    form = ReporterMessageForm(request.POST) if writing else ReceiptForm(request.POST)
    if not form.is_valid() and "receipt" in form.errors:
        return render(request, "anonymous/status.html", {"form": ReceiptForm(request.POST)})
    try:
        ratelimit.hit("receipt", client_of(request))
    except ratelimit.RateLimited as exc:
        return _too_many(request, exc)
    found = services.find_by_receipt(request.POST.get("receipt", ""))
    if found is None:
        entry = ReceiptForm(request.POST)
        entry.is_valid()
        entry.add_error("receipt", _("No report answers to this receipt. Check the code."))
        return render(request, "anonymous/status.html", {"form": entry}, status=404)
    message_form = ReporterMessageForm(initial={"receipt": request.POST.get("receipt", "")})
    if writing:
        if form.is_valid():
            services.reporter_writes(report=found, body=form.cleaned_data["body"])
        else:
            message_form = form  # type: ignore[assignment]
    return render(
        request,
        "anonymous/status.html",
        {
            "status": selectors.status_for_reporter(found),
            "message_form": message_form,
            "written": writing and form.is_valid(),
        },
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    stage = request.GET.get("stage") or None
    try:
        reports = list(selectors.queue(who, stage if stage in Stage.values else None)[:500])
    except NotAllowed:
        return forbidden(request, _("Only coordinators and investigators handle these reports."))
    return render(
        request,
        "anonymous/queue.html",
        {"reports": reports, "stages": Stage.choices, "stage": stage},
    )


def _get(request: HttpRequest, report_id: UUID) -> AnonymousReport:
    try:
        return selectors.get(of_request(request), report_id)
    except (NotAllowed, NotFound) as exc:
        raise Http404(str(exc)) from exc


@login_required
def detail(request: HttpRequest, report_id: UUID) -> HttpResponse:
    who = of_request(request)
    found = _get(request, report_id)
    services.handler_reads(actor=who, report=found)
    context: dict[str, Any] = {
        "report": found,
        "messages_list": selectors.messages_for_handler(found),
        "reply_form": ReplyForm(),
        "stage_form": StageForm(initial={"stage": found.stage}),
        "can_record_complaint": found.category == "seah" and _records_complaints(who),
    }
    return render(request, "anonymous/detail.html", context)


def _records_complaints(who: Actor) -> bool:
    from ulinzi.cases import policies as complaint_policies

    return bool(complaint_policies.complaint_orgs(who))


@login_required
@require_POST
def reply(request: HttpRequest, report_id: UUID) -> HttpResponse:
    found = _get(request, report_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        services.handler_replies(
            actor=of_request(request), report=found, body=form.cleaned_data["body"]
        )
        messages.success(request, _("Reply sent. The reporter sees it with their receipt."))
    else:
        messages.error(request, _("Write a reply first."))
    return redirect("anonymous:detail", report_id=found.pk)


@login_required
@require_POST
def change_stage(request: HttpRequest, report_id: UUID) -> HttpResponse:
    found = _get(request, report_id)
    try:
        services.change_stage(
            actor=of_request(request), report=found, stage=request.POST.get("stage", "")
        )
    except InvalidInput as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Stage changed."))
    return redirect("anonymous:detail", report_id=found.pk)


@login_required
@require_POST
def to_incident(request: HttpRequest, report_id: UUID) -> HttpResponse:
    found = _get(request, report_id)
    try:
        incident, created = services.to_incident(actor=of_request(request), report=found)
    except (InvalidInput, NotAllowed) as exc:
        messages.error(request, str(exc))
        return redirect("anonymous:detail", report_id=found.pk)
    if created:
        messages.success(request, _("Incident recorded from the report."))
    return redirect("incidents:detail", incident_id=incident.pk)
