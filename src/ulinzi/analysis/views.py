"""Dashboard and vulnerable-areas pages: thin views over :mod:`summary` and
:mod:`ranking`; the same numbers as ``/api/v1/analysis/...``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _

from ulinzi.accounts.access import of_request
from ulinzi.analysis import filter_menus, policies, ranking, summary
from ulinzi.analysis.params import DashboardParams
from ulinzi.common.problems import InvalidInput
from ulinzi.common.views import forbidden


def _params(request: HttpRequest) -> DashboardParams:
    try:
        return DashboardParams.from_query(request.GET)
    except InvalidInput as exc:
        messages.error(request, _("Some filters were not understood: %s") % exc)
        return DashboardParams()


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.can_view_dashboard(who):
        return forbidden(request, _("The dashboard is for coordinators and analysts."))
    params = _params(request)
    data = summary.build(who, params)
    config = {
        "atlas": static("vendor/world-atlas-2.0.2/countries-110m.json"),
        "tiles": getattr(settings, "ULINZI_TILE_URL", ""),
        "attribution": getattr(settings, "ULINZI_TILE_ATTRIBUTION", ""),
        "incidents": _("incidents"),
        "here": _("incidents at this place"),
    }
    return render(
        request,
        "analysis/dashboard.html",
        {
            "data": data,
            "config": config,
            "params": params,
            "menus": filter_menus.menus(who, params),
        },
    )


@login_required
def areas(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.can_view_dashboard(who):
        return forbidden(request, _("The dashboard is for coordinators and analysts."))
    params = _params(request)
    return render(
        request,
        "analysis/areas.html",
        {
            "result": ranking.build(who, params),
            "params": params,
            "menus": filter_menus.menus(who, params),
        },
    )
