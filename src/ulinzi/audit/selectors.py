"""Reading the audit log (organisation admins only)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation
from ulinzi.accounts.roles import Role
from ulinzi.audit.models import AuditEvent
from ulinzi.common.problems import NotAllowed


def events_for(actor: Actor) -> QuerySet[AuditEvent]:
    """Events about records owned by, or actions taken by members of, the actor's
    organisations where the actor is admin."""
    org_ids = actor.orgs_with(Role.ADMIN)
    if not org_ids:
        raise NotAllowed("only an organisation admin can browse the audit log")
    codes = list(Organisation.objects.filter(pk__in=org_ids).values_list("code", flat=True))
    q = Q(owner_organisation__in=codes)
    member_ids = Organisation.objects.filter(pk__in=org_ids).values_list(
        "memberships__user_id", flat=True
    )
    return AuditEvent.objects.filter(q | Q(user_id__in=member_ids)).select_related("user")
