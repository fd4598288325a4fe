"""Reading the audit log (organisation admins only)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation
from ulinzi.accounts.roles import Role
from ulinzi.audit.models import AuditEvent
from ulinzi.common.problems import NotAllowed


def _admin_orgs(actor: Actor) -> set[int]:
    org_ids = actor.orgs_with(Role.ADMIN)
    if not org_ids:
        raise NotAllowed("only an organisation admin can browse the audit log")
    return org_ids


def members_for(actor: Actor) -> list[str]:
    """Usernames of the members of the organisations where the actor is admin."""
    org_ids = _admin_orgs(actor)
    return list(
        Organisation.objects.filter(pk__in=org_ids)
        .exclude(memberships__user__isnull=True)
        .values_list("memberships__user__username", flat=True)
        .distinct()
    )


def events_for(actor: Actor) -> QuerySet[AuditEvent]:
    """Events about records owned by, or actions taken by members of, the actor's
    organisations where the actor is admin."""
    org_ids = _admin_orgs(actor)
    codes = list(Organisation.objects.filter(pk__in=org_ids).values_list("code", flat=True))
    q = Q(owner_organisation__in=codes)
    member_ids = Organisation.objects.filter(pk__in=org_ids).values_list(
        "memberships__user_id", flat=True
    )
    return AuditEvent.objects.filter(q | Q(user_id__in=member_ids)).select_related("user")
