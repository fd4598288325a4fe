"""Who may export and read reports. Default deny: a right not written here is refused."""

from __future__ import annotations

from ulinzi.accounts.access import Actor
from ulinzi.accounts.roles import Role

REPORT_ROLES = (Role.COORDINATOR, Role.ANALYST)


def can_export(actor: Actor) -> bool:
    """Coordinators and analysts export; what an export holds is still limited to what
    they may see (public level) or to their own organisations' records (partners level)."""
    return actor.has_role(*REPORT_ROLES)


def partner_orgs(actor: Actor) -> set[int]:
    """Organisations whose records the actor may hand to partners: their own, where
    they are coordinator or analyst. Records shared with them by others are not re-shared
    record by record; they still count in public (anonymised) exports."""
    return actor.orgs_with(*REPORT_ROLES)


def can_view_reports(actor: Actor) -> bool:
    return actor.has_role(*REPORT_ROLES)


def can_download(actor: Actor, created_by_id: int | None) -> bool:
    """A stored export file is for the person who made it, while they keep the right."""
    return can_export(actor) and created_by_id is not None and created_by_id == actor.user_id
