"""Alert pages: raise, inbox, board, map, subscriptions, and the emailed ack link."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ulinzi.accounts.access import Actor, of_request
from ulinzi.accounts.models import Organisation
from ulinzi.alerts import policies, selectors, services
from ulinzi.alerts.models import Acknowledgement, Alert, DeliveryState, Severity
from ulinzi.common import versioning
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed, NotFound
from ulinzi.common.views import forbidden
from ulinzi.vocab import registry
from ulinzi.web import pickers


def _get(who: Actor, alert_id: UUID) -> Alert:
    try:
        return selectors.get(who, alert_id)
    except (NotFound, NotAllowed) as exc:
        raise Http404(str(exc)) from exc


def _errors(exc: InvalidInput) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in exc.problems:
        key = p.field.split("[")[0]
        out[key] = (out[key] + "; " if key in out else "") + p.message
    return out


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.can_receive(who):
        return forbidden(request, _("Your roles do not receive alerts."))
    return render(
        request,
        "alerts/list.html",
        {
            "alerts": selectors.active(who).order_by("-severity_rank", "-created_at")[:200],
            "can_raise": policies.can_raise(who),
        },
    )


def _form_data(request: HttpRequest, who: Actor) -> tuple[dict[str, Any], str]:
    """What the form posted, with the area picked (country and area by name) as its
    P-code; and the message for an area that names no known place ('' if none)."""
    post = request.POST
    data: dict[str, Any] = {k: post.get(k, "") for k in post if k != "domains"}
    data["domains"] = post.getlist("domains")
    try:
        pcode = pickers.area_pcode(post.get("area_country", ""), post.get("area", ""), who)
    except ValueError as exc:
        return data, str(exc)
    data["pcodes"] = [pcode] if pcode else []
    return data, ""


@login_required
def alert_create(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.can_raise(who):
        return forbidden(request, _("Only monitors and coordinators raise alerts."))
    orgs = Organisation.objects.filter(pk__in=policies.raising_orgs(who))
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"severity": "urgent"}
    if request.method == "POST":
        data, area_error = _form_data(request, who)
        if data.get("expires_at") and "T" in data["expires_at"] and len(data["expires_at"]) == 16:
            data["expires_at"] += ":00Z"  # datetime-local inputs are in UTC here
        try:
            if area_error:
                raise InvalidInput([FieldProblem("pcodes", area_error)])
            alert = services.raise_alert(
                actor=who,
                data=data,
                organisation=data.get("organisation") or (orgs[0].code if len(orgs) == 1 else None),
            )
        except InvalidInput as exc:
            errors = _errors(exc)
        else:
            messages.success(
                request,
                ngettext(
                    "Alert raised: %(n)s recipient matched.",
                    "Alert raised: %(n)s recipients matched.",
                    alert.matched,
                )
                % {"n": alert.matched},
            )
            return redirect("alerts:detail", alert_id=alert.pk)
    return render(
        request,
        "alerts/form.html",
        {
            "data": data,
            "errors": errors,
            "orgs": orgs,
            "severities": Severity.choices,
            "domains": registry.get("domain").choices(),
        },
    )


@login_required
def alert_detail(request: HttpRequest, alert_id: UUID) -> HttpResponse:
    who = of_request(request)
    alert = _get(who, alert_id)
    board = selectors.board(who, alert) if policies.can_view_board(who, alert) else None
    mine = services.recipient_subscriptions(who, alert)
    acked = Acknowledgement.objects.filter(alert=alert, subscription_id__in=mine).first()
    return render(
        request,
        "alerts/detail.html",
        {
            "alert": alert,
            "board": board,
            "acked": sum(1 for r in board or () if r.acknowledgement),
            "is_recipient": bool(mine),
            "my_ack": acked,
            "can_cancel": policies.can_cancel(who, alert) and alert.cancelled_at is None,
            "active": alert.is_active(),
            "escalation": getattr(alert, "escalation", None) if board is not None else None,
            "sending": any(
                d.state == DeliveryState.QUEUED
                for row in board or ()
                for d in row.channels.values()
            ),
        },
    )


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, alert_id: UUID) -> HttpResponse:
    who = of_request(request)
    alert = _get(who, alert_id)
    try:
        services.acknowledge(actor=who, alert=alert, via=Acknowledgement.Via.INBOX)
    except NotFound as exc:
        return forbidden(request, str(exc))
    messages.success(request, _("Acknowledged."))
    return redirect(request.POST.get("next") or "alerts:inbox")


@login_required
@require_POST
def alert_cancel(request: HttpRequest, alert_id: UUID) -> HttpResponse:
    who = of_request(request)
    alert = _get(who, alert_id)
    try:
        services.cancel_alert(actor=who, alert=alert, version=versioning.posted(request))
    except NotAllowed as exc:
        return forbidden(request, str(exc))
    except versioning.StaleVersion:
        messages.warning(request, versioning.STALE_ACTION_MESSAGE)
        return redirect("alerts:detail", alert_id=alert.pk)
    messages.success(request, _("Alert cancelled."))
    return redirect("alerts:detail", alert_id=alert.pk)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.can_receive(who):
        return forbidden(request, _("Your roles do not receive alerts."))
    return render(
        request,
        "alerts/inbox.html",
        {
            "items": selectors.inbox(who),
            "escalations": selectors.escalations(who)[:50],
            "now": timezone.now(),
        },
    )


@login_required
def alert_map(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.can_receive(who):
        return forbidden(request, _("Your roles do not receive alerts."))
    alerts = list(selectors.active(who).order_by("-severity_rank", "-created_at")[:500])
    features = [
        {
            "id": str(a.pk),
            "title": a.title,
            "severity": a.severity,
            "lat": a.lat,
            "lon": a.lon,
            "radius_km": a.radius_km,
            "url": f"/alerts/{a.pk}/",
        }
        for a in alerts
        if a.lat is not None and a.lon is not None
    ]
    return render(
        request,
        "alerts/map.html",
        {
            "alerts_json": json.dumps(features),
            "without_point": [a for a in alerts if a.lat is None],
            "count": len(alerts),
            "tiles": getattr(settings, "ULINZI_TILE_URL", ""),
            "attribution": getattr(settings, "ULINZI_TILE_ATTRIBUTION", ""),
        },
    )


@login_required
def subscription_list(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    if not policies.can_receive(who):
        return forbidden(request, _("Your roles do not receive alerts."))
    orgs = Organisation.objects.filter(pk__in=policies.subscription_orgs(who)).exclude(
        kind=Organisation.Kind.PARTY
    )
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"in_app": True, "min_severity": "warning"}
    secret = None
    if request.method == "POST":
        data, area_error = _form_data(request, who)
        data["in_app"] = "in_app" in request.POST
        try:
            if area_error:
                raise InvalidInput([FieldProblem("pcodes", area_error)])
            sub = services.create_subscription(
                actor=who, data=data, organisation=data.get("organisation") or None
            )
        except InvalidInput as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Subscription saved."))
            secret = sub.webhook_secret or None
            data = {"in_app": True, "min_severity": "warning"}
    return render(
        request,
        "alerts/subscriptions.html",
        {
            "subscriptions": selectors.subscriptions(who),
            "orgs": orgs,
            "data": data,
            "errors": errors,
            "secret": secret,
            "severities": Severity.choices,
            "domains": registry.get("domain").choices(),
        },
    )


@login_required
@require_POST
def subscription_toggle(request: HttpRequest, subscription_id: int) -> HttpResponse:
    who = of_request(request)
    try:
        sub = selectors.subscription(who, subscription_id)
        services.set_subscription_active(actor=who, subscription=sub, active=not sub.active)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except NotAllowed as exc:
        return forbidden(request, str(exc))
    return redirect("alerts:subscriptions")


def ack_link(request: HttpRequest, token: str) -> HttpResponse:
    """The signed link of an alert email: GET shows a button (mail scanners follow links),
    POST acknowledges. The signature is the authority; no sign-in is needed."""
    try:
        delivery = services.delivery_for_token(token)
    except NotFound as exc:
        return render(request, "alerts/ack_link.html", {"invalid": str(exc)}, status=404)
    done = False
    if request.method == "POST":
        services.acknowledge_by_token(token=token)
        done = True
    acked = Acknowledgement.objects.filter(
        alert=delivery.alert, subscription_id=delivery.subscription_id
    ).first()
    return render(
        request,
        "alerts/ack_link.html",
        {"alert": delivery.alert, "done": done, "acked": acked},
    )
