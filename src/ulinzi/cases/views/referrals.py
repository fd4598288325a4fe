"""Referral pages for both sides, and the shared protocol view."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ulinzi.accounts.access import of_request
from ulinzi.accounts.twofactor import two_factor_required
from ulinzi.cases import policies
from ulinzi.cases.models import MeasureStatus
from ulinzi.cases.selectors import protocol
from ulinzi.cases.selectors import referrals as selectors
from ulinzi.cases.services import referrals
from ulinzi.common import versioning
from ulinzi.common.problems import NotAllowed
from ulinzi.common.views import Again, Kept, act_and_redirect, forbidden, visible_or_404


@two_factor_required
def referral_list(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
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
    return _detail(request, referral_id)


def _detail(request: HttpRequest, referral_id: UUID, kept: Kept | None = None) -> HttpResponse:
    """The referral as it is now; ``kept``: what the user entered in a stale answer."""
    who = of_request(request)
    referral, side = visible_or_404(selectors.get, who, referral_id)
    shared = selectors.shared_summary(who, referral) if side == selectors.RECEIVER else None
    return render(
        request,
        "cases/referral.html",
        {"referral": referral, "side": side, "shared": shared, "kept": kept or {}},
    )


@two_factor_required
@require_POST
def referral_action(request: HttpRequest, referral_id: UUID) -> HttpResponse:
    who = of_request(request)
    referral, side = visible_or_404(selectors.get, who, referral_id)
    if side != selectors.RECEIVER:
        return forbidden(request, _("Only the receiving organisation acts on this referral."))
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")
    version = versioning.posted(request)
    again = Again(
        lambda kept: _detail(request, referral_id, kept),
        {"action": None, "reason": _("Note or reason"), "services": _("Services delivered")},
    )
    back = ("cases:referral", referral.pk)
    if action in ("accept", "decline"):
        return act_and_redirect(
            request,
            lambda: referrals.respond(
                actor=who,
                referral=referral,
                accept=action == "accept",
                reason=reason,
                version=version,
            ),
            _("Answer recorded."),
            *back,
            again=again,
        )
    if action == "deliver":
        return act_and_redirect(
            request,
            lambda: referrals.deliver(
                actor=who,
                referral=referral,
                services=request.POST.get("services", ""),
                version=version,
            ),
            _("Services recorded."),
            *back,
            again=again,
        )
    if action == "close":
        return act_and_redirect(
            request,
            lambda: referrals.close(actor=who, referral=referral, version=version),
            _("Referral closed."),
            *back,
            again=again,
        )
    return redirect(*back)


@two_factor_required
def protocol_view(request: HttpRequest) -> HttpResponse:
    """The measures the user's agencies carry out, with their violations."""
    return protocol_page(request)


def protocol_page(request: HttpRequest, kept: Kept | None = None) -> HttpResponse:
    """The protocol page as it is now; ``kept``: the status the user chose for one
    measure (``kept["measure"]``) in a stale submit."""
    try:
        rows = protocol.shared_measures(of_request(request))
    except NotAllowed:
        return forbidden(request, _("Your roles give no access to protective measures."))
    return render(
        request,
        "cases/protocol.html",
        {"rows": rows, "statuses": MeasureStatus.choices, "kept": kept or {}},
    )
