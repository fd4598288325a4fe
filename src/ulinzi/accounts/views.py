"""The organisation admin's page: members and their roles, data-sharing agreements."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from ulinzi.accounts import policies, services
from ulinzi.accounts.access import of_request
from ulinzi.accounts.models import Membership, Organisation, SharingAgreement
from ulinzi.accounts.roles import Role
from ulinzi.common.problems import InvalidInput
from ulinzi.common.views import forbidden
from ulinzi.vocab import registry


@login_required
def organisation_admin(request: HttpRequest) -> HttpResponse:
    who = of_request(request)
    orgs = Organisation.objects.filter(pk__in=policies.administered(who))
    if not orgs:
        return forbidden(request)
    org = orgs.get(code=request.GET["org"]) if request.GET.get("org") else orgs.first()
    assert org is not None
    if request.method == "POST":
        if request.POST.get("action") in CONFIRM and request.POST.get("confirmed") != "yes":
            return _confirm(request, org)
        try:
            _handle(request, who, org)
        except InvalidInput as exc:
            messages.error(request, str(exc))
        return redirect(f"{request.path}?org={org.code}")
    return render(
        request,
        "accounts/admin.html",
        {
            "org": org,
            "orgs": orgs,
            "members": Membership.objects.filter(organisation=org)
            .select_related("user")
            .order_by("user__username", "role"),
            "with_device": set(
                TOTPDevice.objects.filter(
                    user__memberships__organisation=org, confirmed=True
                ).values_list("user_id", flat=True)
            ),
            "given": SharingAgreement.objects.filter(provider=org).select_related("recipient"),
            "received": SharingAgreement.objects.filter(recipient=org).select_related("provider"),
            "roles": Role.choices,
            "domains": registry.get("domain").choices(),
            "others": Organisation.objects.exclude(pk=org.pk),
            "today": date.today(),
        },
    )


# Actions that undo something: each asks first, on a page of its own (no script needed).
CONFIRM = {"remove_member", "reset_two_factor", "end_agreement"}


def _confirm(request: HttpRequest, org: Organisation) -> HttpResponse:
    """Ask before a destructive action; the answer posts the same fields again."""
    action = request.POST["action"]
    if action == "end_agreement":
        agreement = get_object_or_404(SharingAgreement, pk=request.POST.get("agreement"))
        question = _("End today the agreement sharing %(domains)s with %(org)s?") % {
            "domains": ", ".join(registry.label("domain", d) for d in agreement.domains),
            "org": agreement.recipient.name,
        }
        field, value = "agreement", str(agreement.pk)
    else:
        membership = get_object_or_404(
            Membership, pk=request.POST.get("membership"), organisation=org
        )
        words = {
            "remove_member": _("Remove the role %(role)s from %(user)s in %(org)s?"),
            "reset_two_factor": _(
                "Reset the two-factor sign-in of %(user)s? Their authenticator stops working "
                "and they set up a new one at their next sign-in."
            ),
        }
        question = words[action] % {
            "role": membership.get_role_display(),
            "user": membership.user.username,
            "org": org.name,
        }
        field, value = "membership", str(membership.pk)
    return render(
        request,
        "accounts/confirm.html",
        {"org": org, "question": question, "action": action, "field": field, "value": value},
    )


def _handle(request: HttpRequest, who: object, org: Organisation) -> None:
    from ulinzi.accounts.access import Actor

    assert isinstance(who, Actor)
    action = request.POST.get("action")
    if action == "add_member":
        user, password = services.add_member(
            actor=who,
            organisation=org,
            username=request.POST.get("username", "").strip(),
            role=request.POST.get("role", ""),
            new_account=request.POST.get("new_account") == "yes",
        )
        if password:
            messages.success(
                request,
                _("Account %(user)s created. One-time password: %(pw)s")
                % {"user": user.username, "pw": password},
            )
        else:
            messages.success(request, _("Role given to %(user)s.") % {"user": user.username})
    elif action == "remove_member":
        membership = get_object_or_404(Membership, pk=request.POST.get("membership"))
        services.remove_member(actor=who, membership=membership)
        messages.success(request, _("Role removed."))
    elif action == "reset_two_factor":
        membership = get_object_or_404(
            Membership, pk=request.POST.get("membership"), organisation=org
        )
        services.reset_two_factor(actor=who, organisation=org, user=membership.user)
        messages.success(
            request,
            _(
                "Two-factor sign-in reset for %(user)s: they set up a new authenticator "
                "at their next sign-in."
            )
            % {"user": membership.user.username},
        )
    elif action == "share":
        try:
            start = date.fromisoformat(request.POST.get("valid_from") or date.today().isoformat())
            end_raw = request.POST.get("valid_until")
            end = date.fromisoformat(end_raw) if end_raw else None
        except ValueError as exc:
            raise InvalidInput([]) from exc
        services.share(
            actor=who,
            provider=org,
            recipient_code=request.POST.get("recipient", ""),
            domains=request.POST.getlist("domains"),
            valid_from=start,
            valid_until=end,
        )
        messages.success(request, _("Sharing agreement recorded."))
    elif action == "end_agreement":
        agreement = get_object_or_404(SharingAgreement, pk=request.POST.get("agreement"))
        services.end_agreement(actor=who, agreement=agreement, on=date.today())
        messages.success(request, _("Agreement ended."))
