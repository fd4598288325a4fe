"""Who may do what with incidents. Default deny: a right not written here is refused."""

from __future__ import annotations

from django.db.models import Q

from ulinzi.accounts.access import Actor
from ulinzi.accounts.roles import Role
from ulinzi.incidents.models import Incident, Status

VIEW_ROLES = (
    Role.ADMIN,
    Role.COORDINATOR,
    Role.ANALYST,
    Role.CASE_WORKER,
    Role.INVESTIGATOR,
    Role.MONITOR,
)
CREATE_ROLES = (
    Role.COORDINATOR,
    Role.MONITOR,
    Role.INVESTIGATOR,
    Role.CASE_WORKER,
    Role.REPORTER,
)
EDIT_ROLES = (Role.COORDINATOR, Role.MONITOR, Role.INVESTIGATOR)
VERIFY_ROLES = (Role.COORDINATOR, Role.INVESTIGATOR)
NARRATIVE_ROLES = (Role.COORDINATOR, Role.INVESTIGATOR, Role.MONITOR, Role.CASE_WORKER)


def can_list(actor: Actor) -> bool:
    return actor.has_role(*VIEW_ROLES, Role.REPORTER)


def can_create(actor: Actor) -> bool:
    return actor.has_role(*CREATE_ROLES)


def creatable_orgs(actor: Actor) -> set[int]:
    return actor.orgs_with(*CREATE_ROLES)


def is_own_report(actor: Actor, incident: Incident) -> bool:
    return actor.user_id is not None and incident.reported_by_id == actor.user_id


def can_view(actor: Actor, incident: Incident) -> bool:
    if incident.organisation_id in actor.orgs_with(*VIEW_ROLES):
        return True
    if is_own_report(actor, incident) and incident.organisation_id in actor.roles_by_org:
        return True
    return incident.domain in shared_domains_from(actor, incident.organisation_id)


def shared_domains_from(actor: Actor, provider_id: int) -> frozenset[str]:
    """Domains ``provider_id`` shares with the actor, if the actor may view shared data."""
    if not actor.has_role(*VIEW_ROLES):
        return frozenset()
    return actor.shared_domains.get(provider_id, frozenset())


def can_edit(actor: Actor, incident: Incident) -> bool:
    if incident.organisation_id in actor.orgs_with(*EDIT_ROLES):
        return True
    return (
        is_own_report(actor, incident)
        and incident.organisation_id in actor.orgs_with(Role.REPORTER)
        and incident.status in (Status.DRAFT, Status.SUBMITTED)
    )


def can_verify(actor: Actor, incident: Incident) -> bool:
    return incident.organisation_id in actor.orgs_with(*VERIFY_ROLES)


def can_read_narrative(actor: Actor, incident: Incident) -> bool:
    if incident.organisation_id in actor.orgs_with(*NARRATIVE_ROLES):
        return True
    return is_own_report(actor, incident)


def narrative_readable(actor: Actor) -> Q:
    """:func:`can_read_narrative` as a filter over incidents (the same rule)."""
    q = Q(organisation_id__in=actor.orgs_with(*NARRATIVE_ROLES))
    if actor.user_id is not None:
        q |= Q(reported_by_id=actor.user_id)
    return q
