"""Incident pages: list with filters, detail with history, create and edit.

No rules live here: access is asked of :mod:`policies`, reads go through
:mod:`selectors`, writes through :mod:`services`."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ulinzi.accounts.access import of_request
from ulinzi.common import versioning
from ulinzi.common.problems import InvalidInput, NotAllowed, NotFound
from ulinzi.common.views import Again, Kept, forbidden
from ulinzi.geo.countries import admin1
from ulinzi.incidents import filters as incident_filters
from ulinzi.incidents import policies, search, selectors, services
from ulinzi.incidents.filters import IncidentFilters
from ulinzi.incidents.forms.incident_form import IncidentForm
from ulinzi.incidents.models import Incident
from ulinzi.vocab import registry

PAGE_SIZE = 50
AREA_LIMIT = 20


def _get(request: HttpRequest, incident_id: UUID) -> Incident:
    try:
        return selectors.get(of_request(request), incident_id)
    except (NotFound, NotAllowed) as exc:
        raise Http404(str(exc)) from exc


@login_required
def areas(request: HttpRequest) -> HttpResponse:
    """First-level areas to choose from, as JSON: those named by incidents the user may
    see (with their P-codes), then ISO 3166-2 subdivisions of the chosen country whose
    name holds the text. ``?country=ISO3&q=TEXT``; for the area fields' suggestions."""
    who = of_request(request)
    if not policies.can_list(who):
        return JsonResponse({"error": "no access to incidents"}, status=403)
    country = request.GET.get("country", "").strip().upper()[:3]
    text = request.GET.get("q", "").strip()[:100]
    found = [
        {"name": a.name, "pcode": a.pcode, "country": a.country}
        for a in selectors.areas_seen(who, country=country, text=text, limit=AREA_LIMIT)
    ]
    named = {(a["country"], a["name"].casefold()) for a in found}
    for sub in admin1(country) if country else []:
        if len(found) >= AREA_LIMIT:
            break
        if text.casefold() in sub.name.casefold() and (country, sub.name.casefold()) not in named:
            found.append({"name": sub.name, "pcode": "", "country": country})
    return JsonResponse({"areas": found})


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.can_list(who):
        return forbidden(request, _("Your roles give no access to incidents."))
    try:
        filters = IncidentFilters.from_query(request.GET)
    except InvalidInput as exc:
        fields = ", ".join(p.field for p in exc.problems)
        messages.error(
            request,
            _("Some filters were not understood and were left out: %(fields)s.")
            % {"fields": fields},
        )
        filters = IncidentFilters()
    qs = selectors.apply_filters(selectors.visible(who), filters).select_related("organisation")
    text = request.GET.get("q", "").strip()
    found = search.Found(qs)
    try:
        found = search.search(who, qs, text)
    except InvalidInput:
        messages.error(
            request,
            _("Search for at most %(words)s words and %(chars)s characters.")
            % {"words": search.MAX_WORDS, "chars": search.MAX_LENGTH},
        )
        text = ""
    sort = request.GET.get("sort") or search.DEFAULT_SORT
    if sort not in search.SORTS:
        messages.error(request, _("That order is not one of the list; newest first is used."))
        sort = search.DEFAULT_SORT
    page = Paginator(search.order(found.incidents, sort), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = filters.as_query()
    kept = dict(query)
    if text:
        kept["q"] = text
    if sort != search.DEFAULT_SORT:
        kept["sort"] = sort
    return render(
        request,
        "incidents/list.html",
        {
            "page": page,
            "filters": filters,
            "query": query,
            "kept": kept,
            "q": text,
            "sort": sort,
            "sorts": search.sort_choices(),
            "date_sort": "occurred_on" if sort == "-occurred_on" else "-occurred_on",
            "found": found,
            "menus": incident_filters.menus(who),
            "can_create": policies.can_create(who),
        },
    )


def _detail(request: HttpRequest, incident: Incident, kept: Kept | None = None) -> HttpResponse:
    who = of_request(request)
    texts = services.read_texts(actor=who, incident=incident) or {}
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "narrative": texts.get("narrative"),
            "status_reason": texts.get("status_reason"),
            "history": services.read_history(actor=who, incident=incident),
            "can_edit": policies.can_edit(who, incident),
            "can_verify": policies.can_verify(who, incident),
            "certainties": registry.get("certainty").choices(),
            "kept": kept or {},
        },
    )


@login_required
def incident_detail(request: HttpRequest, incident_id: UUID) -> HttpResponse:
    return _detail(request, _get(request, incident_id))


@login_required
def incident_create(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.can_create(who):
        return forbidden(request, _("Your roles do not allow recording incidents."))
    form = IncidentForm(
        request.POST or None,
        actor=who,
        initial={"cause": "unknown", "occurred_precision": "day"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            incident, _created = services.create(
                actor=who, data=form.incident_data(), organisation=form.organisation_code()
            )
        except InvalidInput as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(request, _("Incident recorded."))
            return redirect("incidents:detail", incident_id=incident.pk)
    return render(request, "incidents/form.html", {"form": form, "editing": None})


@login_required
def incident_edit(request: HttpRequest, incident_id: UUID) -> HttpResponse:
    who = of_request(request)
    incident = _get(request, incident_id)
    if not policies.can_edit(who, incident):
        return forbidden(request, _("You cannot change this incident."))
    narrative_allowed = policies.can_read_narrative(who, incident)
    initial = IncidentForm.initial_for(incident)
    if narrative_allowed and request.method != "POST":
        initial["narrative"] = services.read_narrative(actor=who, incident=incident)
    options: dict[str, Any] = {
        "initial": initial,
        "narrative_allowed": narrative_allowed,
        "versioned": True,
    }
    form = IncidentForm(request.POST or None, **options)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.update(
                actor=who,
                incident=incident,
                data=form.incident_data(),
                version=form.cleaned_data["version"],
            )
        except versioning.StaleVersion as stale:
            form = _conflict(request, incident.pk, stale, options)
            status = 409
        except InvalidInput as exc:
            form.add_problems(exc.problems)
        except NotAllowed:
            return forbidden(request, _("You cannot change this incident."))
        else:
            messages.success(request, _("Changes saved."))
            return redirect("incidents:detail", incident_id=incident.pk)
    return render(
        request, "incidents/form.html", {"form": form, "editing": incident}, status=status
    )


def _conflict(
    request: HttpRequest,
    incident_id: UUID,
    stale: versioning.StaleVersion,
    options: dict[str, Any],
) -> IncidentForm:
    """The form again after a stale save: what the user entered, now based on the
    current version, with what is saved now beside each field where it differs."""
    who = of_request(request)
    current = _get(request, incident_id)
    saved = IncidentForm.initial_for(current)
    if options["narrative_allowed"]:
        saved["narrative"] = services.read_narrative(actor=who, incident=current)
    again = versioning.rebound(IncidentForm, request.POST, stale.current, **options)
    again.saved_now = versioning.saved_now(again, saved)
    messages.warning(request, versioning.CONFLICT_MESSAGE)
    return again


def _stale_action(request: HttpRequest, incident_id: UUID) -> HttpResponse:
    """The incident as it is now, after a verification or rejection made on an older
    version, with what the user entered still in its form."""
    return Again(
        lambda kept: _detail(request, _get(request, incident_id), kept),
        {"certainty": None, "note": _("Note"), "reason": _("Reason")},
    ).response(request)


@login_required
@require_POST
def incident_verify(request: HttpRequest, incident_id: UUID) -> HttpResponse:
    who = of_request(request)
    incident = _get(request, incident_id)
    try:
        services.verify(
            actor=who,
            incident=incident,
            certainty=request.POST.get("certainty") or None,
            note=request.POST.get("note", ""),
            version=versioning.posted(request),
        )
    except versioning.StaleVersion:
        return _stale_action(request, incident_id)
    except NotAllowed:
        return forbidden(
            request,
            _(
                "Only a coordinator or investigator of the reporting "
                "organisation can verify an incident."
            ),
        )
    except InvalidInput as exc:
        if any(p.field == "status" for p in exc.problems):
            messages.error(
                request, _("A duplicate cannot be verified; verify its canonical record.")
            )
        else:
            messages.error(request, _("That certainty is not one of the list."))
    else:
        messages.success(request, _("Incident verified."))
    return redirect("incidents:detail", incident_id=incident.pk)


@login_required
@require_POST
def incident_reject(request: HttpRequest, incident_id: UUID) -> HttpResponse:
    who = of_request(request)
    incident = _get(request, incident_id)
    try:
        services.reject(
            actor=who,
            incident=incident,
            reason=request.POST.get("reason", ""),
            version=versioning.posted(request),
        )
    except versioning.StaleVersion:
        return _stale_action(request, incident_id)
    except NotAllowed:
        return forbidden(
            request,
            _(
                "Only a coordinator or investigator of the reporting "
                "organisation can reject an incident."
            ),
        )
    except InvalidInput:
        messages.error(request, _("Give a reason to reject the incident."))
    else:
        messages.success(request, _("Incident rejected."))
    return redirect("incidents:detail", incident_id=incident.pk)
