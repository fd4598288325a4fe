"""Pages that belong to no single app: sign-in, home, tokens, audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ulinzi.accounts import lockout, twofactor
from ulinzi.accounts import services as accounts
from ulinzi.accounts.access import of_request
from ulinzi.accounts.models import User
from ulinzi.audit import selectors as audit
from ulinzi.audit.filters import (
    AuditFilterForm,
    action_label,
    field_label,
    record_label,
    record_link,
)
from ulinzi.common.problems import NotAllowed
from ulinzi.common.views import forbidden
from ulinzi.web.forms import SignInForm


class SignInView(LoginView):
    template_name = "web/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        lockout.remember_device(response, form.get_user().get_username())
        return response


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:login")


# Where each role's work is. A person with several roles lands where the first of
# them in this order works.
LANDING: tuple[tuple[str, str], ...] = (
    ("coordinator", "analysis:dashboard"),
    ("analyst", "analysis:dashboard"),
    ("monitor", "incidents:list"),
    ("investigator", "cases:complaints"),
    ("case_worker", "cases:list"),
    ("reporter", "selfreport:form"),
    ("party_focal_point", "deconfliction:party"),
    ("admin", "accounts:admin"),
)


def landing(roles: set[str]) -> str:
    """The URL name of the page a person with ``roles`` starts on."""
    return next((page for role, page in LANDING if role in roles), "incidents:list")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(landing(of_request(request).all_roles()))


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """List, create and revoke the user's API tokens."""
    user = request.user
    assert isinstance(user, User)
    new_token = None
    if request.method == "POST":
        if request.POST.get("revoke"):
            accounts.revoke_token(user=user, token_id=request.POST["revoke"])
            messages.info(request, _("Token revoked."))
        else:
            new_token = accounts.create_token(
                user=user,
                name=request.POST.get("name") or "web",
                two_factor=twofactor.session_verified(request),
            )
    return render(
        request,
        "web/tokens.html",
        {"tokens": user.api_tokens.order_by("-created_at"), "new_token": new_token},
    )


AUDIT_PAGE_SIZE = 100


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    try:
        events = audit.events_for(of_request(request))
    except NotAllowed:
        return forbidden(request)
    actions = sorted(set(events.order_by().values_list("action", flat=True).distinct()))
    form = AuditFilterForm(request.GET or None, actions=actions)
    status = 200
    if form.is_bound and form.is_valid():
        events = form.apply(events)
    elif form.is_bound:
        events = events.none()
        status = 400
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    rows = [
        (
            e,
            action_label(e.action),
            record_label(e.object_type),
            record_link(e),
            ", ".join(field_label(name) for name in e.fields or ()),
        )
        for e in page
    ]
    users = sorted(set(audit.members_for(of_request(request))))
    return render(
        request,
        "web/audit.html",
        {"form": form, "page": page, "rows": rows, "query": query, "users": users},
        status=status,
    )
