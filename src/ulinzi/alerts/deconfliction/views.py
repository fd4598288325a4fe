"""Deconfliction pages: register, review and send, the party's inbox, the record."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ulinzi.accounts.access import Actor, of_request
from ulinzi.accounts.models import Organisation
from ulinzi.alerts.deconfliction import conf, policies, selectors
from ulinzi.alerts.deconfliction.models import Movement, Site, SiteType
from ulinzi.alerts.deconfliction.services import acknowledgement, registration, sending
from ulinzi.common import versioning
from ulinzi.common.problems import InvalidInput, NotAllowed
from ulinzi.common.views import Again, Kept, act_and_redirect, forbidden, visible_or_404


def _errors(exc: InvalidInput) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in exc.problems:
        key = p.field.split("[")[0].split(".")[-1]
        out[key] = (out[key] + "; " if key in out else "") + p.message
    return out


def _base(who: Actor) -> dict[str, Any]:
    return {
        "notice": conf.NOTICE,
        "can_register": bool(policies.registering_orgs(who)),
        "register_orgs": Organisation.objects.filter(
            pk__in=policies.registering_orgs(who)
        ).order_by("name"),
        "is_cell": bool(policies.cells(who)),
        "is_focal": bool(policies.focal_parties(who)),
    }


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    return _overview(request)


def _overview(request: HttpRequest, kept: Kept | None = None) -> HttpResponse:
    """The overview as it is now; ``kept``: what the coordinator chose and typed in a
    stale send."""
    who = of_request(request)
    if not policies.can_use(who):
        return forbidden(request, _("Your roles give no access to deconfliction."))
    context = _base(who)
    context.update(
        sites=selectors.sites(who).order_by("status", "name")[:300],
        movements=selectors.movements(who).order_by("-departure_from")[:300],
        pending_sites=selectors.sites(who).filter(
            coordinated_by_id__in=policies.cells(who), status=Site.Status.SUBMITTED
        ),
        pending_movements=selectors.movements(who).filter(
            coordinated_by_id__in=policies.cells(who),
            status=Movement.Status.SUBMITTED,
            departure_from__gt=timezone.now(),
        ),
        removals=selectors.sites(who).filter(
            coordinated_by_id__in=policies.cells(who), status=Site.Status.REMOVAL_REQUESTED
        ),
        overdue=selectors.overdue(who)[:100],
        parties=Organisation.objects.filter(kind=Organisation.Kind.PARTY).order_by("code"),
        kept=kept or {},
    )
    return render(request, "deconfliction/overview.html", context)


@login_required
def site_create(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.registering_orgs(who):
        return forbidden(request, _("Only humanitarian organisations register sites."))
    data: dict[str, Any] = {"valid_from": timezone.now().date().isoformat()}
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = request.POST.dict()
        try:
            site = registration.register_site(
                actor=who, data=data, organisation=data.get("organisation") or None
            )
        except (InvalidInput, NotAllowed) as exc:
            errors = _errors(exc) if isinstance(exc, InvalidInput) else {"organisation": str(exc)}
        else:
            messages.success(
                request, _("Site registered; the coordinator reviews it before notifying.")
            )
            return redirect("deconfliction:site", site_id=site.pk)
    context = _base(who)
    context.update(data=data, errors=errors, site_types=SiteType.choices)
    return render(request, "deconfliction/site_form.html", context)


@login_required
def movement_create(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.registering_orgs(who):
        return forbidden(request, _("Only humanitarian organisations register movements."))
    data: dict[str, Any] = {"vehicles": 1, "people": 0}
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = request.POST.dict()
        payload: dict[str, Any] = dict(data)
        points = [
            p.split(",") for p in data.get("route", "").replace(";", "\n").splitlines() if p.strip()
        ]
        payload["route"] = [[x.strip() for x in p] for p in points]
        for name in ("departure_from", "departure_until", "arrival_from", "arrival_until"):
            if len(payload.get(name, "")) == 16:
                payload[name] += ":00Z"  # datetime-local inputs are in UTC here
        payload["emergency"] = "emergency" in request.POST
        try:
            movement = registration.register_movement(
                actor=who,
                data=payload,
                organisation=data.get("organisation") or None,
                override_lead_time="override_lead_time" in request.POST,
                override_reason=data.get("override_reason", ""),
            )
        except InvalidInput as exc:
            errors = _errors(exc)
        except NotAllowed as exc:
            errors = {"override_lead_time": str(exc)}
        else:
            messages.success(
                request, _("Movement registered; the coordinator reviews it before notifying.")
            )
            return redirect("deconfliction:movement", movement_id=movement.pk)
    context = _base(who)
    context.update(
        data=data,
        errors=errors,
        lead=conf.lead_hours(emergency=False),
        lead_emergency=conf.lead_hours(emergency=True),
    )
    return render(request, "deconfliction/movement_form.html", context)


@login_required
def site_detail(request: HttpRequest, site_id: UUID) -> HttpResponse:
    return _site_page(request, site_id)


def _site_page(request: HttpRequest, site_id: UUID, kept: Kept | None = None) -> HttpResponse:
    """The site as it is now; ``kept``: the removal reason typed in a stale submit."""
    who = of_request(request)
    site = visible_or_404(selectors.site, who, site_id)
    context = _base(who)
    context.update(
        site=site,
        notifications=site.notifications.select_related("party").order_by("sent_at"),
        can_remove=policies.can_request_removal(who, site)
        and site.status in ("submitted", "notified"),
        can_send_removal=policies.can_review(who, site) and site.status == "removal_requested",
        kept=kept or {},
    )
    return render(request, "deconfliction/site.html", context)


@login_required
def movement_detail(request: HttpRequest, movement_id: UUID) -> HttpResponse:
    who = of_request(request)
    movement = visible_or_404(selectors.movement, who, movement_id)
    context = _base(who)
    context.update(
        movement=movement,
        notifications=movement.notifications.select_related("party").order_by("sent_at"),
    )
    return render(request, "deconfliction/movement.html", context)


@login_required
@require_POST
def site_removal(request: HttpRequest, site_id: UUID) -> HttpResponse:
    who = of_request(request)
    site = visible_or_404(selectors.site, who, site_id)
    again = Again(lambda kept: _site_page(request, site_id, kept), {"reason": _("Reason")})
    if request.POST.get("send"):
        return act_and_redirect(
            request,
            lambda: sending.send_removal(actor=who, site=site, version=versioning.posted(request)),
            _("Removal notified to the parties."),
            "deconfliction:site",
            site.pk,
            refuse=True,
            level=messages.SUCCESS,
            again=again,
        )
    return act_and_redirect(
        request,
        lambda: registration.request_site_removal(
            actor=who,
            site=site,
            reason=request.POST.get("reason", ""),
            version=versioning.posted(request),
        ),
        _("Removal requested."),
        "deconfliction:site",
        site.pk,
        refuse=True,
        level=messages.SUCCESS,
        again=again,
    )


@login_required
@require_POST
def send(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.cells(who):
        return forbidden(request, _("Only coordinators send notifications."))
    return act_and_redirect(
        request,
        lambda: sending.send(
            actor=who,
            parties=request.POST.getlist("parties"),
            sites=[selectors.site(who, pk) for pk in request.POST.getlist("sites")],
            movements=[selectors.movement(who, pk) for pk in request.POST.getlist("movements")],
            override_lead_time="override_lead_time" in request.POST,
            override_reason=request.POST.get("override_reason", ""),
            versions=versioning.posted_each(request),
        ),
        lambda batches: (
            ngettext("Sent to %(n)s party.", "Sent to %(n)s parties.", len(batches))
            % {"n": len(batches)}
        ),
        "deconfliction:overview",
        refuse=True,
        level=messages.SUCCESS,
        again=Again(
            lambda kept: _overview(request, kept),
            {
                "sites": None,
                "movements": None,
                "parties": None,
                "override_lead_time": None,
                "override_reason": _("Reason for the override"),
            },
            many=("sites", "movements", "parties"),
        ),
    )


@login_required
def party_inbox(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.focal_parties(who):
        return forbidden(request, _("Only party focal points have a notification inbox."))
    notifications = selectors.notifications(who).filter(party_id__in=policies.focal_parties(who))
    batches: dict[Any, list[Any]] = {}
    for n in notifications.order_by("-sent_at", "id"):
        batches.setdefault(n.batch, []).append(n)
    context = _base(who)
    context.update(
        batches=batches,
        parties=Organisation.objects.filter(
            pk__in=policies.focal_parties(who), kind=Organisation.Kind.PARTY
        ),
    )
    return render(request, "deconfliction/party.html", context)


@login_required
def notification_detail(request: HttpRequest, notification_id: UUID) -> HttpResponse:
    who = of_request(request)
    n = visible_or_404(selectors.notification, who, notification_id)
    context = _base(who)
    context.update(
        n=n,
        events=n.events.all(),
        can_ack=policies.can_acknowledge(who, n) and not n.acknowledged_at,
    )
    return render(request, "deconfliction/notification.html", context)


@login_required
@require_POST
def acknowledge(request: HttpRequest, notification_id: UUID) -> HttpResponse:
    who = of_request(request)
    n = visible_or_404(selectors.notification, who, notification_id)
    return act_and_redirect(
        request,
        lambda: acknowledgement.acknowledge(actor=who, notifications=[n]),
        _("Acknowledged."),
        "deconfliction:party",
        refuse=True,
        level=messages.SUCCESS,
    )


@login_required
@require_POST
def acknowledge_batch(request: HttpRequest, batch_id: UUID) -> HttpResponse:
    who = of_request(request)
    batch = visible_or_404(selectors.batch, who, batch_id)
    return act_and_redirect(
        request,
        lambda: acknowledgement.acknowledge_batch(actor=who, batch=batch),
        lambda done: _("%(n)s items acknowledged.") % {"n": done},
        "deconfliction:party",
        refuse=True,
        level=messages.SUCCESS,
    )
