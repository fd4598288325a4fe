"""Who may do what with alerts. Default deny: a right not written here is refused.

Party focal points (armed forces or authorities) never receive or see protection
alerts: the people an alert protects may be at risk from a party.
"""

from __future__ import annotations

from ulinzi.accounts.access import Actor
from ulinzi.accounts.roles import Role
from ulinzi.alerts.models import Alert, Subscription

RAISE_ROLES = (Role.MONITOR, Role.COORDINATOR)
RECEIVE_ROLES = (
    Role.ADMIN,
    Role.COORDINATOR,
    Role.ANALYST,
    Role.CASE_WORKER,
    Role.INVESTIGATOR,
    Role.MONITOR,
    Role.REPORTER,
)
BOARD_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.MONITOR)
ORG_SUBSCRIPTION_ROLES = (Role.ADMIN, Role.COORDINATOR)


def can_raise(actor: Actor) -> bool:
    return actor.has_role(*RAISE_ROLES)


def raising_orgs(actor: Actor) -> set[int]:
    return actor.orgs_with(*RAISE_ROLES)


def can_receive(actor: Actor) -> bool:
    return actor.has_role(*RECEIVE_ROLES)


def receiving_orgs(actor: Actor) -> set[int]:
    return actor.orgs_with(*RECEIVE_ROLES)


def can_view_board(actor: Actor, alert: Alert) -> bool:
    """The delivery and acknowledgement board: the raising organisation's staff."""
    return alert.organisation_id in actor.orgs_with(*BOARD_ROLES)


def can_cancel(actor: Actor, alert: Alert) -> bool:
    if alert.organisation_id in actor.orgs_with(Role.COORDINATOR):
        return True
    return (
        actor.user_id is not None
        and alert.raised_by_id == actor.user_id
        and alert.organisation_id in actor.orgs_with(*RAISE_ROLES)
    )


def subscription_orgs(actor: Actor) -> set[int]:
    """Organisations whose subscriptions the actor manages."""
    return actor.orgs_with(*ORG_SUBSCRIPTION_ROLES)


def can_manage_subscription(actor: Actor, subscription: Subscription) -> bool:
    if subscription.user_id is not None:
        return subscription.user_id == actor.user_id and can_receive(actor)
    return subscription.organisation_id in subscription_orgs(actor)
