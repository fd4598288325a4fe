"""Who may see and decide linkage review pairs, run the linkage, read estimates.

Review: a coordinator, acting for an organisation that can see *both* reports (its own,
or shared with it by an agreement in force for the report's domain). Default deny.
"""

from __future__ import annotations

from datetime import date

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import SharingAgreement
from ulinzi.accounts.roles import Role
from ulinzi.incidents import policies as incident_policies
from ulinzi.incidents.models import Incident

REVIEW_ROLES = (Role.COORDINATOR,)
ESTIMATE_ROLES = (Role.COORDINATOR, Role.ANALYST)


def can_review_any(actor: Actor) -> bool:
    return actor.has_role(*REVIEW_ROLES)


def reviewer_actor(actor: Actor, *, today: date | None = None) -> Actor:
    """The actor narrowed to the organisations where they are a coordinator, with the
    agreements those organisations receive: what they see as a reviewer."""
    orgs = actor.orgs_with(*REVIEW_ROLES)
    shared: dict[int, set[str]] = {}
    today = today or date.today()
    for agreement in SharingAgreement.objects.filter(recipient_id__in=list(orgs)):
        if agreement.in_force(today):
            shared.setdefault(agreement.provider_id, set()).update(agreement.domains)
    return Actor(
        user=actor.user,
        roles_by_org={org: frozenset({Role.COORDINATOR.value}) for org in orgs},
        shared_domains={k: frozenset(v) for k, v in shared.items()},
    )


def can_review(actor: Actor, pair: object) -> bool:
    left: Incident = pair.left  # type: ignore[attr-defined]
    right: Incident = pair.right  # type: ignore[attr-defined]
    if not can_review_any(actor):
        return False
    reviewer = reviewer_actor(actor)
    return incident_policies.can_view(reviewer, left) and incident_policies.can_view(
        reviewer, right
    )


def can_run(actor: Actor) -> bool:
    """Starting a linkage run touches every organisation's reports: coordinators only."""
    return actor.has_role(Role.COORDINATOR)


def can_estimate(actor: Actor) -> bool:
    return actor.has_role(*ESTIMATE_ROLES)
