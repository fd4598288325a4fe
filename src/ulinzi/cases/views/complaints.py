"""SEAH complaint pages: the handlers' dashboard and file, the complainant's own view
(account or receipt code), and the public transparency statistics."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ulinzi.accounts.access import of_request
from ulinzi.accounts.models import Organisation
from ulinzi.accounts.twofactor import two_factor_required
from ulinzi.cases import policies
from ulinzi.cases.models import STAGE_ORDER, AssistanceKind, AssistanceStatus, Outcome, Stage
from ulinzi.cases.selectors import complaints as selectors
from ulinzi.cases.services.complaints import (
    exchanges,
    intake,
    investigation,
    stages,
    victim_assistance,
)
from ulinzi.common import versioning
from ulinzi.common.views import (
    Again,
    Kept,
    act_and_redirect,
    attempt,
    forbidden,
    visible_or_404,
)
from ulinzi.intake.anonymous import ratelimit
from ulinzi.intake.anonymous.api import client_of
from ulinzi.intake.anonymous.services import find_by_receipt
from ulinzi.vocab import registry


@two_factor_required
def dashboard(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.complaint_orgs(who):
        return forbidden(request, _("Only coordinators and investigators handle complaints."))
    if request.method == "POST":
        org = Organisation.objects.filter(pk__in=policies.complaint_orgs(who)).first()
        days = request.POST.get("days", "")
        return act_and_redirect(
            request,
            lambda: stages.set_deadline(
                actor=who,
                organisation=org,  # type: ignore[arg-type]
                stage=request.POST.get("stage", ""),
                days=int(days) if days.isdigit() else -1,
            ),
            _("Deadline saved."),
            "cases:complaints",
        )
    orgs = policies.complaint_orgs(who)
    deadlines = {
        org: {s: stages.deadline_days(org, s) for s in STAGE_ORDER} for org in sorted(orgs)
    }
    return render(
        request,
        "cases/complaints/dashboard.html",
        {
            "rows": selectors.visible(who).prefetch_related("periods")[:500],
            "overdue": selectors.overdue(who),
            "now": timezone.now(),
            "stages": Stage.choices,
            "deadlines": deadlines,
        },
    )


@two_factor_required
def new(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.complaint_orgs(who):
        return forbidden(request, _("Only coordinators and investigators record complaints."))
    if request.method == "POST":
        data = {
            k: request.POST.get(k, "")
            for k in (
                "source",
                "kind",
                "description",
                "country",
                "admin1_name",
                "complainant_name",
                "complainant_contact",
                "complainant_username",
                "anonymous_report",
            )
        }
        if policies.subject_orgs(who):
            data["subject_identity"] = request.POST.get("subject_identity", "")
            data["subject_organisation"] = request.POST.get("subject_organisation", "")
        made = attempt(
            request, lambda: intake.create(actor=who, data=data), _("Complaint recorded.")
        )
        if made is not None:
            return redirect("cases:complaint", made.pk)
    return render(
        request,
        "cases/complaints/new.html",
        {
            "kinds": intake.kinds(),
            "report": request.GET.get("report", "") or request.POST.get("anonymous_report", ""),
            "investigator": bool(policies.subject_orgs(who)),
            "data": request.POST,  # what was typed, kept when it is refused
        },
    )


@two_factor_required
def detail(request: HttpRequest, complaint_id: UUID) -> HttpResponse:
    return _detail(request, complaint_id)


def _detail(request: HttpRequest, complaint_id: UUID, kept: Kept | None = None) -> HttpResponse:
    """The complaint's file as it is now; ``kept``: what the user entered in a stale
    submit."""
    who = of_request(request)
    complaint, subject = visible_or_404(selectors.read, who, complaint_id)
    return render(
        request,
        "cases/complaints/detail.html",
        {
            "c": complaint,
            "subject": subject,
            "periods": complaint.periods.select_related("owner"),
            "handlers": stages.handlers(complaint.organisation_id),
            "now": timezone.now(),
            "stages": [
                s
                for s in Stage.choices
                if STAGE_ORDER.index(s[0]) > STAGE_ORDER.index(complaint.stage)
            ],
            "outcomes": Outcome.choices,
            "assistance_kinds": AssistanceKind.choices,
            "assistance_statuses": AssistanceStatus.choices,
            "kept": kept or {},
        },
    )


@two_factor_required
@require_POST
def act(request: HttpRequest, complaint_id: UUID) -> HttpResponse:
    who = of_request(request)
    complaint = visible_or_404(selectors.get, who, complaint_id)
    p = request.POST
    action = p.get("action")
    version = versioning.posted(request)
    again = Again(
        lambda kept: _detail(request, complaint_id, kept),
        {
            "action": None,
            "stage": None,
            "outcome": None,
            "owner": _("Owner"),
            "identity": _("Identity"),
            "organisation": _("Organisation"),
        },
    )
    back = ("cases:complaint", complaint.pk)
    if action == "advance":
        return act_and_redirect(
            request,
            lambda: stages.advance(
                actor=who,
                complaint=complaint,
                stage=p.get("stage", ""),
                owner=p.get("owner") or None,
                version=version,
            ),
            _("Stage changed."),
            *back,
            again=again,
        )
    if action == "assign":
        return act_and_redirect(
            request,
            lambda: stages.assign(
                actor=who, complaint=complaint, owner=p.get("owner", ""), version=version
            ),
            _("Owner changed."),
            *back,
            again=again,
        )
    if action == "decide":
        return act_and_redirect(
            request,
            lambda: stages.decide(
                actor=who, complaint=complaint, outcome=p.get("outcome", ""), version=version
            ),
            _("Outcome recorded."),
            *back,
            again=again,
        )
    if action == "subject":
        return act_and_redirect(
            request,
            lambda: investigation.set_subject(
                actor=who,
                complaint=complaint,
                identity=p.get("identity", ""),
                organisation=p.get("organisation", ""),
                version=version,
            ),
            _("Subject recorded."),
            *back,
            again=again,
        )
    if action == "note":
        attempt(
            request,
            lambda: investigation.add_note(actor=who, complaint=complaint, body=p.get("body", "")),
            _("Note added."),
        )
    elif action == "message":
        attempt(
            request,
            lambda: exchanges.handler_message(
                actor=who, complaint=complaint, body=p.get("body", "")
            ),
            _("Message sent."),
        )
    elif action == "assistance":
        attempt(
            request,
            lambda: victim_assistance.add_assistance(
                actor=who,
                complaint=complaint,
                kind=p.get("kind", ""),
                status=p.get("status", "pending"),
                provider=p.get("provider", ""),
                note=p.get("note", ""),
            ),
            _("Assistance recorded."),
        )
    return redirect("cases:complaint", complaint.pk)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The complaints the signed-in user made: stage and messages only."""
    who = of_request(request)
    if request.method == "POST":
        if request.POST.get("reference"):
            found = selectors.mine(who).filter(reference=request.POST["reference"]).first()
            if found is None:
                raise Http404
            return act_and_redirect(
                request,
                lambda: exchanges.complainant_message(
                    complaint=found, body=request.POST.get("body", "")
                ),
                _("Message sent."),
                "cases:complaints_mine",
            )
        data = {k: request.POST.get(k, "") for k in ("kind", "description", "country")}
        return act_and_redirect(
            request,
            lambda: intake.file_own(
                actor=who, organisation=request.POST.get("organisation", ""), data=data
            ),
            _("Your complaint was received."),
            "cases:complaints_mine",
        )
    return render(
        request,
        "cases/complaints/mine.html",
        {
            "rows": [selectors.complainant_view(c) for c in selectors.mine(who)],
            "kinds": intake.kinds(),
            "organisations": Organisation.objects.all(),
        },
    )


def follow(request: HttpRequest) -> HttpResponse:
    """Public: the complainant types the receipt code of their anonymous report."""
    view = None
    if request.method == "POST":
        try:
            ratelimit.hit("receipt", client_of(request))
        except ratelimit.RateLimited as exc:
            return render(request, "cases/complaints/follow.html", {"error": str(exc)}, status=429)
        report = find_by_receipt(request.POST.get("receipt", ""))
        complaint = getattr(report, "seah_complaint", None) if report is not None else None
        if complaint is None:
            return render(
                request,
                "cases/complaints/follow.html",
                {"error": _("No complaint answers to this code.")},
                status=404,
            )
        if request.POST.get("body"):
            attempt(
                request,
                lambda: exchanges.complainant_message(
                    complaint=complaint, body=request.POST["body"]
                ),
                _("Message sent."),
            )
        view = selectors.complainant_view(complaint)
    return render(
        request,
        "cases/complaints/follow.html",
        {"view": view, "receipt": request.POST.get("receipt", "")},
    )


def statistics(request: HttpRequest) -> HttpResponse:
    """Public transparency statistics (small cells suppressed)."""
    org = request.GET.get("organisation") or None
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() else None
    data = selectors.transparency(org, year)
    kinds = dict(registry.types_for("seah").choices())
    return render(
        request,
        "cases/complaints/statistics.html",
        {
            "data": data,
            "by_type": [(kinds.get(k, k), v) for k, v in data["by_type"].items()],
            "by_stage": [(str(Stage(k).label), v) for k, v in data["by_stage"].items()],
            "by_outcome": [(str(Outcome(k).label), v) for k, v in data["by_outcome"].items()],
            "medians": [
                (str(Stage(k).label), v, data["stages_measured"][k])
                for k, v in data["median_days"].items()
            ],
            "organisations": Organisation.objects.filter(complaints__isnull=False).distinct(),
            "organisation": org or "",
            "year": year or "",
        },
    )
