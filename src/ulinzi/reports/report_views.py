"""Report pages: situation report, MRM annual table, SSA summary; each also as PDF."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ulinzi.accounts.access import of_request
from ulinzi.common.problems import FieldProblem, InvalidInput
from ulinzi.common.views import forbidden
from ulinzi.incidents.selectors import IncidentFilters
from ulinzi.reports import charts, pdf, policies, situation
from ulinzi.vocab import registry

FILTER_NAMES = ("date_from", "date_to", "country", "admin1", "domain", "organisation")


def _filters(request: HttpRequest) -> IncidentFilters:
    params = {name: request.GET.get(name, "") for name in FILTER_NAMES}
    try:
        return IncidentFilters.from_query(params)
    except InvalidInput as exc:
        messages.error(request, str(exc))
        return IncidentFilters()


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year") or ""
    try:
        year = int(raw) if raw else date.today().year - 1
        if not 1900 <= year <= 2200:
            raise ValueError
    except ValueError as exc:
        raise InvalidInput([FieldProblem("year", "must be a year such as 2024", raw)]) from exc
    return year


def _respond(
    request: HttpRequest, page: str, body: str, context: dict[str, Any], title: str
) -> HttpResponse:
    context = {
        **context,
        "title": title,
        "body_template": body,
        "pdf_reason": pdf.unavailable_reason(),
        "query": request.GET.urlencode(),
        "generated": date.today(),
        "language": get_language(),
    }
    if request.GET.get("format") != "pdf":
        return render(request, page, context)
    if context["pdf_reason"]:
        context["pdf_error"] = context["pdf_reason"]
        return render(request, page, context, status=503)
    html = render_to_string("reports/print.html", context, request=request)
    data, _pages = pdf.render(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(data, content_type="application/pdf")
    slug = body.rsplit("/", 1)[-1].strip("_").split("_")[0]  # "_situation_body.html"
    response["Content-Disposition"] = f'attachment; filename="ulinzi-{slug}-{date.today()}.pdf"'
    return response


@login_required
def situation_report(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.can_view_reports(who):
        return forbidden(request, _("Exports and reports are for coordinators and analysts."))
    filters = _filters(request)
    data = situation.situation(who, filters)
    data["month_chart"] = charts.bar_chart(data["by_month"], title=_("Incidents per month"))
    data["map"] = charts.bubble_map(data["map_points"], title=_("Top areas"))
    context = {
        "filters": filters,
        "data": data,
        "domains": registry.get("domain").choices(),
    }
    return _respond(
        request,
        "reports/situation.html",
        "reports/_situation_body.html",
        context,
        _("Situation report"),
    )


@login_required
def mrm(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.can_view_reports(who):
        return forbidden(request, _("Exports and reports are for coordinators and analysts."))
    try:
        year = _year(request)
    except InvalidInput as exc:
        messages.error(request, str(exc))
        year = date.today().year - 1
    verified_only = request.GET.get("verification", "verified") != "all"
    filters = IncidentFilters(
        country=request.GET.get("country") or None,
        date_from=date(year, 1, 1),
        date_to=date(year, 12, 31),
    )
    incidents, children = situation.mrm_table(
        situation.counted(who, filters), verified_only=verified_only
    )
    context = {
        "year": year,
        "country": filters.country or "",
        "verified_only": verified_only,
        "incidents": incidents,
        "children": children,
    }
    return _respond(
        request,
        "reports/mrm.html",
        "reports/_mrm_body.html",
        context,
        _("Grave violations against children, %(year)s") % {"year": year},
    )


@login_required
def ssa(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.can_view_reports(who):
        return forbidden(request, _("Exports and reports are for coordinators and analysts."))
    filters = _filters(request)
    filters.domain = None
    data = situation.ssa_summary(situation.counted(who, filters))
    context = {"filters": filters, "data": data}
    return _respond(
        request,
        "reports/ssa.html",
        "reports/_ssa_body.html",
        context,
        _("Attacks on health care: summary"),
    )
