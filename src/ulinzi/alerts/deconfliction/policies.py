"""Who may do what in deconfliction. Default deny.

* Humanitarian organisations (any kind but "party") register their own sites and
  movements: admins, coordinators and monitors; analysts may look.
* The coordination body's coordinators review and send them to parties (the body is
  ``ULINZI_DECONFLICTION_CELL``, or the organisation itself when unset).
* A party focal point sees only what was notified to their own party.
"""

from __future__ import annotations

from ulinzi.accounts.access import Actor
from ulinzi.accounts.roles import Role
from ulinzi.alerts.deconfliction.models import Movement, Notification, Site

REGISTER_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.MONITOR)
VIEW_ROLES = (*REGISTER_ROLES, Role.ANALYST)


def registering_orgs(actor: Actor) -> set[int]:
    return actor.orgs_with(*REGISTER_ROLES)


def viewing_orgs(actor: Actor) -> set[int]:
    return actor.orgs_with(*VIEW_ROLES)


def cells(actor: Actor) -> set[int]:
    """Organisations whose deconfliction the actor coordinates."""
    return actor.orgs_with(Role.COORDINATOR)


def focal_parties(actor: Actor) -> set[int]:
    return actor.orgs_with(Role.PARTY_FOCAL_POINT)


def can_use(actor: Actor) -> bool:
    return bool(viewing_orgs(actor) or cells(actor) or focal_parties(actor))


def can_view_item(actor: Actor, item: Site | Movement) -> bool:
    return item.organisation_id in viewing_orgs(actor) or item.coordinated_by_id in cells(actor)


def can_review(actor: Actor, item: Site | Movement) -> bool:
    return item.coordinated_by_id in cells(actor)


def can_request_removal(actor: Actor, site: Site) -> bool:
    return site.organisation_id in registering_orgs(actor) or can_review(actor, site)


def can_view_notification(actor: Actor, notification: Notification) -> bool:
    return notification.party_id in focal_parties(actor) or notification.coordinated_by_id in cells(
        actor
    )


def can_acknowledge(actor: Actor, notification: Notification) -> bool:
    return notification.party_id in focal_parties(actor)
