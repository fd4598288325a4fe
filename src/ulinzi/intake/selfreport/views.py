"""The self-report page (installable, works offline), its service worker and web app
manifest, and the XLSForm download."""

from __future__ import annotations

import hashlib
import json
import uuid
from functools import cache
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ulinzi.accounts.access import of_request
from ulinzi.accounts.models import Organisation
from ulinzi.common.problems import InvalidInput, NotAllowed
from ulinzi.common.views import forbidden
from ulinzi.geo.countries import all_countries
from ulinzi.incidents import policies as incident_policies
from ulinzi.incidents import services as incidents
from ulinzi.intake.selfreport import mapping, policies, xlsform
from ulinzi.vocab import registry

STATIC_FILES = (
    "selfreport/outbox.js",
    "selfreport/report.js",
    "selfreport/selfreport.css",
    "selfreport/icon-192.png",
    "selfreport/icon-512.png",
    "ulinzi/ulinzi.css",
)


def _forbidden(request: HttpRequest) -> HttpResponse:
    return forbidden(request, _("Your roles do not allow recording incidents."))


def _context(request: HttpRequest) -> dict[str, object]:
    who = of_request(request)
    orgs = list(
        Organisation.objects.filter(pk__in=incident_policies.creatable_orgs(who)).order_by("code")
    )
    default_country = next((o.country for o in orgs if o.country), "")
    causes = registry.get("cause")
    return {
        "organisations": orgs,
        "default_country": default_country,
        "countries": [(c.iso3, c.name) for c in all_countries()],
        "attack_types": registry.get("ssa_attack_type").choices(),
        "resources": registry.get("resource").choices(),
        "facility_types": registry.get("facility_type").choices(),
        "perpetrators": registry.get("perpetrator").choices(),
        "other_causes": [(c, causes.label(c)) for c in mapping.NON_CONFLICT_CAUSES],
        "today": timezone.localdate().isoformat(),
        "source_id": str(uuid.uuid4()),
        "config": {
            "api": "/api/v1/incidents",
            "sw": reverse("selfreport:selfreport_sw"),
            "scope": reverse("selfreport:form"),
            "domain": mapping.DOMAIN,
            "text": {
                "saved": _("Saved on this device. It will be sent when you are back online."),
                "sending": _("Sending…"),
                "sent": _("Sent. Thank you."),
                "signin": _("Saved on this device. Sign in again to send it."),
                "failed": _("Could not be sent:"),
                "pending": _("Waiting to be sent"),
                "remove": _("Remove"),
            },
        },
    }


@login_required
@require_http_methods(["GET", "POST"])
def form(request: HttpRequest) -> HttpResponse:
    """The form. With JavaScript it submits through the API (or the device's outbox);
    without, this view records the incident from the posted form."""
    who = of_request(request)
    if not policies.can_report(who):
        return _forbidden(request)
    context = _context(request)
    if request.method == "POST":
        organisations = context["organisations"]
        assert isinstance(organisations, list)
        code = request.POST.get("organisation") or None
        try:
            incidents.create(
                actor=who,
                data=mapping.incident_data(request.POST),
                organisation=code if len(organisations) > 1 else None,
            )
        except (InvalidInput, NotAllowed) as exc:
            context["errors"] = exc.problems if isinstance(exc, InvalidInput) else [str(exc)]
            context["posted"] = request.POST
            context["posted_types"] = request.POST.getlist("types")
            context["posted_resources"] = request.POST.getlist("resources")
        else:
            messages.success(request, _("Sent. Thank you."))
            return redirect("selfreport:form")
    return render(request, "selfreport/form.html", context)


@cache
def _asset_version() -> str:
    """Changes whenever a cached file or the worker changes, so browsers update."""
    digest = hashlib.sha256()
    for name in STATIC_FILES:
        found = finders.find(name)
        if found:
            digest.update(Path(str(found)).read_bytes())
    template = Path(__file__).parent / "templates" / "selfreport" / "sw.js"
    digest.update(template.read_bytes())
    return digest.hexdigest()[:12]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served under /report/ so that its scope covers the form."""
    scope = reverse("selfreport:form")
    body = render_to_string(
        "selfreport/sw.js",
        {
            "version": _asset_version(),
            "scope": scope,
            "outbox": static("selfreport/outbox.js"),
            "precache": json.dumps([scope, *[static(n) for n in STATIC_FILES]]),
            "api": "/api/v1/incidents",
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = scope
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest that makes the form installable."""
    scope = reverse("selfreport:form")
    data = {
        "name": _("Ulinzi: report an attack on health care"),
        "short_name": _("Ulinzi report"),
        "description": _("Document violence against you or your facility, even offline."),
        "id": scope,
        "start_url": scope,
        "scope": scope,
        "display": "standalone",
        "background_color": "#f7f8fa",
        "theme_color": "#0b6e4f",
        "lang": get_language() or "en",
        "dir": "rtl" if get_language_bidi() else "ltr",
        "icons": [
            {"src": static(f"selfreport/icon-{n}.png"), "sizes": f"{n}x{n}", "type": "image/png"}
            for n in (192, 512)
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@login_required
@require_GET
def xlsform_download(request: HttpRequest) -> HttpResponse:
    if not policies.can_download_xlsform(of_request(request)):
        return _forbidden(request)
    response = HttpResponse(
        xlsform.build(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{xlsform.FORM_ID}.xlsx"'
    return response
