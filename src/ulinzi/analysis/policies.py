"""Who may see the analysis pages and API. Default deny: a right not written here is refused."""

from __future__ import annotations

from ulinzi.accounts.access import Actor
from ulinzi.accounts.roles import Role

DASHBOARD_ROLES = (Role.COORDINATOR, Role.ANALYST)


def can_view_dashboard(actor: Actor) -> bool:
    """Coordinators and analysts see the dashboard and the vulnerable-areas ranking;
    what it counts is still limited to the incidents they may see."""
    return actor.has_role(*DASHBOARD_ROLES)
