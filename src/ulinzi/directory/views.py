"""Directory pages: the referral pathway, one service, publishing and editing."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ulinzi.accounts.access import of_request
from ulinzi.common.problems import InvalidInput, NotAllowed, NotFound
from ulinzi.common.views import forbidden
from ulinzi.directory import policies, selectors, services
from ulinzi.directory.forms import ServiceForm
from ulinzi.directory.models import Service, ServiceKind
from ulinzi.web import pickers


@login_required
def pathway(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.can_read(who):
        return forbidden(request, _("Your account has no role in an organisation."))
    need = request.GET.get("need") or None
    area = request.GET.get("area") or None
    country = request.GET.get("area_country") or None
    steps: list[selectors.PathwayStep] = []
    where = area
    if country and area:
        try:  # an area chosen by name is looked for by its P-code where one is known
            where = pickers.area_pcode(country, area, who)
        except ValueError:
            where = area
    try:
        steps = selectors.pathway(who, need=need, area=where, country=country)
    except InvalidInput as exc:
        messages.error(request, str(exc))
    return render(
        request,
        "directory/pathway.html",
        {
            "steps": steps,
            "need": need or "",
            "area": area or "",
            "country": country or "",
            "kinds": ServiceKind.choices,
            "can_publish": policies.can_publish(who),
        },
    )


def _service(request: HttpRequest, service_id: UUID) -> Service:
    try:
        return selectors.get(of_request(request), service_id)
    except (NotFound, NotAllowed) as exc:
        raise Http404(str(exc)) from exc


@login_required
def detail(request: HttpRequest, service_id: UUID) -> HttpResponse:
    service = _service(request, service_id)
    return render(
        request,
        "directory/detail.html",
        {"service": service, "can_edit": policies.can_edit(of_request(request), service)},
    )


@login_required
def publish(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.can_publish(who):
        return forbidden(request, _("Only admins and coordinators publish services."))
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.publish(actor=who, data=form.data_for_service())
        except InvalidInput as exc:
            for p in exc.problems:
                form.add_error(p.field if p.field in form.fields else None, p.message)
        else:
            messages.info(request, _("Service published."))
            return redirect("directory:detail", service.pk)
    return render(request, "directory/form.html", {"form": form, "editing": False})


@login_required
def edit(request: HttpRequest, service_id: UUID) -> HttpResponse:
    who = of_request(request)
    service = _service(request, service_id)
    if not policies.can_edit(who, service):
        return forbidden(request, _("Only the publishing organisation edits this service."))
    form = ServiceForm(request.POST or None, initial=ServiceForm.initial_for(service))
    if request.method == "POST" and form.is_valid():
        try:
            services.update(actor=who, service=service, data=form.data_for_service())
        except InvalidInput as exc:
            for p in exc.problems:
                form.add_error(p.field if p.field in form.fields else None, p.message)
        else:
            messages.info(request, _("Service saved."))
            return redirect("directory:detail", service.pk)
    return render(request, "directory/form.html", {"form": form, "editing": True})
