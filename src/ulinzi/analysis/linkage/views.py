"""Pages: what linkage offers, the review queue, one pair side by side, documented vs estimated."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ulinzi.accounts.access import of_request
from ulinzi.analysis.linkage import estimates, policies, review, selectors
from ulinzi.analysis.linkage.api import SUMMARY_FIELDS
from ulinzi.common.problems import InvalidInput, NotAllowed, NotFound
from ulinzi.common.views import forbidden
from ulinzi.incidents import services as incident_services


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """What linkage offers the reader: the review queue (coordinators) and documented vs
    estimated totals (coordinators and analysts), with the latest run."""
    who = of_request(request)
    reviews, estimates_allowed = policies.can_review_any(who), policies.can_estimate(who)
    if not (reviews or estimates_allowed):
        return forbidden(request, _("Coordinators and analysts use linkage."))
    context = {
        "reviews": reviews,
        "estimates": estimates_allowed,
        "pending": selectors.review_queue(who).count() if reviews else 0,
        "latest": selectors.runs().first(),
        "queued": selectors.queued_runs(),
    }
    return render(request, "linkage/index.html", context)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.can_review_any(who):
        return forbidden(request, _("Only coordinators review linkage pairs."))
    decided = request.GET.get("decided") == "1"
    raw_sample = request.GET.get("sample", "")
    sample = int(raw_sample) if raw_sample.isdigit() and len(raw_sample) < 10 else None
    queue = selectors.review_queue(who, decided=decided, sample=sample)
    page = Paginator(queue, 30).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "decided": decided,
        "sample": sample,
        "latest": selectors.runs().first(),
        "queued": selectors.queued_runs(),
    }
    return render(request, "linkage/review_queue.html", context)


@login_required
def review_pair(request: HttpRequest, pair_id: int) -> HttpResponse:
    who = of_request(request)
    try:
        pair = selectors.review_pair(who, pair_id)
    except NotAllowed:
        return forbidden(request, _("Only coordinators review linkage pairs."))
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    rows = [(name, getattr(pair.left, name), getattr(pair.right, name)) for name in SUMMARY_FIELDS]
    narratives = (
        incident_services.read_narrative(actor=who, incident=pair.left),
        incident_services.read_narrative(actor=who, incident=pair.right),
    )
    return render(
        request,
        "linkage/review_pair.html",
        {"pair": pair, "rows": rows, "narratives": narratives},
    )


@login_required
@require_POST
def decide(request: HttpRequest, pair_id: int) -> HttpResponse:
    who = of_request(request)
    try:
        pair = selectors.review_pair(who, pair_id)
        review.decide(
            actor=who,
            pair=pair,
            decision=request.POST.get("decision", ""),
            note=request.POST.get("note", ""),
        )
    except NotAllowed:
        return forbidden(request, _("Only coordinators review linkage pairs."))
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except InvalidInput as exc:
        messages.error(request, str(exc))
        return redirect("linkage:pair", pair_id=pair_id)
    messages.success(request, _("Decision recorded; later linkage runs keep it."))
    return redirect("linkage:queue")


@login_required
def estimate_page(request: HttpRequest) -> HttpResponse:
    """Documented vs estimated for a stratum chosen in the form (the panel, full page)."""
    who = of_request(request)
    if not policies.can_estimate(who):
        return forbidden(request, _("Coordinators and analysts read estimates."))
    context: dict[str, Any] = {"query": request.GET}
    if request.GET.get("country") or request.GET.get("period"):
        try:
            context["estimate"] = estimates.for_stratum(
                who,
                country=request.GET.get("country", ""),
                period=request.GET.get("period", ""),
                domain=request.GET.get("domain", ""),
                admin1=request.GET.get("admin1", ""),
            )
        except InvalidInput as exc:
            context["problems"] = exc.problems
    return render(request, "linkage/estimate.html", context)
