"""Referral pages for both sides, and the shared protocol view."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ulinzi.accounts.access import actor_for
from ulinzi.accounts.twofactor import two_factor_required
from ulinzi.cases import policies
from ulinzi.cases.models import MeasureStatus
from ulinzi.cases.selectors import protocol
from ulinzi.cases.selectors import referrals as selectors
from ulinzi.cases.services import referrals
from ulinzi.common import versioning
from ulinzi.common.problems import NotAllowed
from ulinzi.common.views import attempt, forbidden, visible_or_404


@two_factor_required
def referral_list(request: HttpRequest) -> HttpResponse:
    who = actor_for(request.user)
    if not policies.can_use_cases(who):
        return forbidden(request, _("Your roles give no access to referrals."))
    rows = selectors.listed(who)
    return render(
        request,
        "cases/referrals.html",
        {
            "incoming": [r for r, side in rows if side == selectors.RECEIVER],
            "outgoing": [r for r, side in rows if side == selectors.SENDER],
        },
    )


@two_factor_required
def referral_detail(request: HttpRequest, referral_id: UUID) -> HttpResponse:
    who = actor_for(request.user)
    referral, side = visible_or_404(selectors.get, who, referral_id)
    shared = selectors.shared_summary(who, referral) if side == selectors.RECEIVER else None
    return render(
        request,
        "cases/referral.html",
        {"referral": referral, "side": side, "shared": shared},
    )


@two_factor_required
@require_POST
def referral_action(request: HttpRequest, referral_id: UUID) -> HttpResponse:
    who = actor_for(request.user)
    referral, side = visible_or_404(selectors.get, who, referral_id)
    if side != selectors.RECEIVER:
        return forbidden(request, _("Only the receiving organisation acts on this referral."))
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")
    version = versioning.posted(request)
    if action in ("accept", "decline"):
        attempt(
            request,
            lambda: referrals.respond(
                actor=who,
                referral=referral,
                accept=action == "accept",
                reason=reason,
                version=version,
            ),
            _("Answer recorded."),
        )
    elif action == "deliver":
        attempt(
            request,
            lambda: referrals.deliver(
                actor=who,
                referral=referral,
                services=request.POST.get("services", ""),
                version=version,
            ),
            _("Services recorded."),
        )
    elif action == "close":
        attempt(
            request,
            lambda: referrals.close(actor=who, referral=referral, version=version),
            _("Referral closed."),
        )
    return redirect("cases:referral", referral.pk)


@two_factor_required
def protocol_view(request: HttpRequest) -> HttpResponse:
    """The measures the user's agencies carry out, with their violations."""
    try:
        rows = protocol.shared_measures(actor_for(request.user))
    except NotAllowed:
        return forbidden(request, _("Your roles give no access to protective measures."))
    return render(request, "cases/protocol.html", {"rows": rows, "statuses": MeasureStatus.choices})
