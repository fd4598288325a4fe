"""Who may manage an organisation's members and agreements: its admins, and only theirs."""

from __future__ import annotations

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation
from ulinzi.accounts.roles import Role


def administered(actor: Actor) -> set[int]:
    return actor.orgs_with(Role.ADMIN)


def can_manage(actor: Actor, organisation: Organisation) -> bool:
    return organisation.pk in administered(actor)
