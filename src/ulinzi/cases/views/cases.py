"""Case file pages: list, open, the file itself, its access log, notes, consents,
referral sending, risk assessment and protective measures."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ulinzi.accounts.access import Actor, of_request
from ulinzi.accounts.twofactor import two_factor_required
from ulinzi.cases import policies
from ulinzi.cases.forms import CaseForm, ConsentForm, MeasureForm
from ulinzi.cases.models import Notification, ProtectiveMeasure, Purpose
from ulinzi.cases.selectors import cases as selectors
from ulinzi.cases.selectors import referrals as referral_selectors
from ulinzi.cases.services import casefile, consent, measures, referrals, risk
from ulinzi.cases.views.referrals import protocol_page
from ulinzi.common import versioning
from ulinzi.common.problems import NotFound
from ulinzi.common.views import (
    Again,
    Kept,
    act_and_redirect,
    attempt,
    forbidden,
    visible_or_404,
)
from ulinzi.directory import selectors as directory
from ulinzi.directory.models import ServiceKind


@two_factor_required
def case_list(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.can_use_cases(who):
        return forbidden(request, _("Your roles give no access to case files."))
    flagged = request.GET.get("flagged") == "1"
    incoming = [r for r, side in referral_selectors.listed(who, "incoming")]
    return render(
        request,
        "cases/list.html",
        {
            "cases": selectors.listed(who, flagged=flagged),
            "flagged": flagged,
            "incoming": incoming,
            "can_open": bool(policies.opening_orgs(who)),
            "unread": Notification.objects.filter(
                user_id=request.user.pk or 0, read_at__isnull=True
            ).count(),
        },
    )


@two_factor_required
def case_new(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.opening_orgs(who):
        return forbidden(request, _("Only case workers open case files."))
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = attempt(
            request,
            lambda: casefile.open_case(actor=who, data=dict(form.cleaned_data)),
            _("Case opened."),
        )
        if case is not None:
            return redirect("cases:detail", case.pk)
    return render(request, "cases/new.html", {"form": form})


@two_factor_required
def case_detail(request: HttpRequest, case_id: UUID) -> HttpResponse:
    return _case_page(request, case_id)


def _case_page(
    request: HttpRequest, case_id: UUID, refused: dict[str, str] | None = None
) -> HttpResponse:
    """The case file; after a refused referral, ``refused`` holds the need, service and
    note that were chosen (kept in the form) and, when a referral consent for that
    organisation is what is missing, the consent form is opened for it."""
    who = of_request(request)
    case = visible_or_404(selectors.read, who, case_id)
    refused = refused or {}
    need = refused.get("need") or request.GET.get("need") or (case.needs[0] if case.needs else None)
    pathway = directory.pathway(
        who, need=need, area=case.admin1_pcode or case.country, referrals_only=True
    )
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "notes": selectors.notes(who, case),
            "timeline": selectors.timeline(who, case),
            "consents": selectors.consents(who, case),
            "referrals": case.referrals.select_related("service", "to_organisation"),
            "assessments": case.risk_assessments.select_related("instrument")[:10],
            "measures": case.measures.select_related("owner").prefetch_related("violations"),
            "instruments": risk.available(),
            "pathway": pathway,
            "need": need or "",
            "need_choices": ServiceKind.choices,
            "need_codes": set(ServiceKind.values),
            "refused": refused,
            "consent_form": ConsentForm(
                initial={"purpose": Purpose.REFERRAL, "recipient": refused.get("consent_for", "")}
            ),
            "measure_form": MeasureForm(initial={"owner": case.organisation.code}),
        },
    )


@two_factor_required
def access_log(request: HttpRequest, case_id: UUID) -> HttpResponse:
    """Who has seen this file: for the case worker to show the survivor."""
    who = of_request(request)
    case = visible_or_404(selectors.get, who, case_id)
    return render(
        request, "cases/access_log.html", {"case": case, "events": selectors.access_log(who, case)}
    )


@two_factor_required
@require_POST
def add_note(request: HttpRequest, case_id: UUID) -> HttpResponse:
    who = of_request(request)
    case = visible_or_404(selectors.get, who, case_id)
    return act_and_redirect(
        request,
        lambda: casefile.add_note(actor=who, case=case, body=request.POST.get("body", "")),
        _("Note added."),
        "cases:detail",
        case.pk,
    )


@two_factor_required
@require_POST
def give_consent(request: HttpRequest, case_id: UUID) -> HttpResponse:
    who = of_request(request)
    case = visible_or_404(selectors.get, who, case_id)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Consent not recorded: %s") % form.errors.as_text())
        return redirect("cases:detail", case.pk)
    return act_and_redirect(
        request,
        lambda: consent.give(actor=who, case=case, **form.cleaned_data),
        _("Consent recorded."),
        "cases:detail",
        case.pk,
    )


@two_factor_required
@require_POST
def withdraw_consent(request: HttpRequest, case_id: UUID, consent_id: int) -> HttpResponse:
    who = of_request(request)
    case = visible_or_404(selectors.get, who, case_id)
    found = case.consents.filter(pk=consent_id).first()
    if found is None:
        raise Http404
    return act_and_redirect(
        request,
        lambda: consent.withdraw(actor=who, consent=found, note=request.POST.get("note", "")),
        _("Consent withdrawn: nothing more is shared under it."),
        "cases:detail",
        case.pk,
    )


@two_factor_required
@require_POST
def refer(request: HttpRequest, case_id: UUID) -> HttpResponse:
    who = of_request(request)
    case = visible_or_404(selectors.get, who, case_id)
    sent = attempt(
        request,
        lambda: referrals.send(
            actor=who,
            case=case,
            service_id=request.POST.get("service", ""),
            note=request.POST.get("note", ""),
        ),
        _("Referral sent."),
    )
    if sent is not None:
        return redirect("cases:referral", sent.pk)
    refused = {k: request.POST.get(k, "") for k in ("need", "service", "note")}
    try:
        chosen = directory.get(who, refused["service"])
    except NotFound:
        chosen = None
    if chosen is not None and not consent.in_force(case, Purpose.REFERRAL, chosen.organisation_id):
        refused["consent_for"] = chosen.organisation.code
    return _case_page(request, case.pk, refused)


@two_factor_required
def assess(request: HttpRequest, case_id: UUID, code: str) -> HttpResponse:
    who = of_request(request)
    case = visible_or_404(selectors.get, who, case_id)
    try:
        instrument = risk.current(code)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if request.method == "POST":
        answers: dict[str, object] = {}
        for q in instrument.definition["questions"]:
            raw = request.POST.get(q["id"])
            if q["type"] == "yes_no":
                answers[q["id"]] = {"yes": True, "no": False}.get(raw or "", None)
            else:
                answers[q["id"]] = raw
        done = attempt(
            request,
            lambda: risk.assess(
                actor=who,
                case=case,
                instrument=code,
                answers=answers,
                note=request.POST.get("note", ""),
            ),
            lambda made: (
                _("Risk level: %(level)s (score %(score)s).")
                % {"level": made.get_level_display(), "score": made.score}
            ),
        )
        if done is not None:
            return redirect("cases:detail", case.pk)
    return render(request, "cases/assess.html", {"case": case, "instrument": instrument})


@two_factor_required
@require_POST
def add_measure(request: HttpRequest, case_id: UUID) -> HttpResponse:
    who = of_request(request)
    case = visible_or_404(selectors.get, who, case_id)
    form = MeasureForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Measure not added: %s") % form.errors.as_text())
        return redirect("cases:detail", case.pk)
    return act_and_redirect(
        request,
        lambda: measures.add(actor=who, case=case, **form.cleaned_data),
        _("Measure added."),
        "cases:detail",
        case.pk,
    )


def _measure(request: HttpRequest, measure_id: int) -> ProtectiveMeasure:
    who = of_request(request)
    found = ProtectiveMeasure.objects.select_related("case", "owner").filter(pk=measure_id).first()
    if found is None or not policies.can_update_measure(who, found):
        raise Http404
    return found


@two_factor_required
@require_POST
def measure_action(request: HttpRequest, measure_id: int) -> HttpResponse:
    """Change a measure's status, or record a violation of it."""
    found = _measure(request, measure_id)
    who = of_request(request)
    if request.POST.get("violation"):
        attempt(
            request,
            lambda: measures.record_violation(
                actor=who,
                measure=found,
                occurred_on=request.POST.get("occurred_on") or None,
                description=request.POST.get("description", ""),
            ),
            _("Violation recorded; the risk level was raised and the coordinators told."),
        )
    else:
        kept_for = Again(
            lambda kept: protocol_page(request, Kept(kept, measure=found.pk)), {"status": None}
        )
        return act_and_redirect(
            request,
            lambda: measures.update(
                actor=who,
                measure=found,
                data={"status": request.POST.get("status")},
                version=versioning.posted(request),
            ),
            _("Measure updated."),
            *_measure_page(request, who, found),
            again=kept_for,
        )
    return redirect(*_measure_page(request, who, found))


def _measure_page(request: HttpRequest, who: Actor, found: ProtectiveMeasure) -> tuple[Any, ...]:
    """Where a measure's form goes back to: the protocol page, or the case."""
    if request.POST.get("back") == "protocol" or not policies.can_view_case(who, found.case):
        return ("cases:protocol",)
    return ("cases:detail", found.case_id)


@two_factor_required
def notifications(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.filter(user_id=request.user.pk or 0)
    if request.method == "POST":
        rows.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("cases:notifications")
    return render(request, "cases/notifications.html", {"rows": rows[:200]})
