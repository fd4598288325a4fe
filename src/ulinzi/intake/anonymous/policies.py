"""Who may handle anonymous reports: the coordinators and investigators of the
organisation that receives them. Reporters need no account; their receipt is their key.
Default deny."""

from __future__ import annotations

from ulinzi.accounts.access import Actor
from ulinzi.accounts.roles import Role
from ulinzi.intake.anonymous.models import AnonymousReport

HANDLER_ROLES = (Role.COORDINATOR, Role.INVESTIGATOR)


def can_handle_any(actor: Actor) -> bool:
    """Holds a handling role somewhere (may see the queue, possibly empty)."""
    return actor.has_role(*HANDLER_ROLES)


def handling_orgs(actor: Actor) -> set[int]:
    return actor.orgs_with(*HANDLER_ROLES)


def can_handle(actor: Actor, report: AnonymousReport) -> bool:
    return report.organisation_id is not None and report.organisation_id in handling_orgs(actor)
