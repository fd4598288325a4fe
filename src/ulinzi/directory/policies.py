"""Who may read and publish services. Every signed-in member reads the directory; an
organisation's admins and coordinators publish and edit its own services."""

from __future__ import annotations

from ulinzi.accounts.access import Actor
from ulinzi.accounts.roles import Role
from ulinzi.directory.models import Service

PUBLISH_ROLES = (Role.ADMIN, Role.COORDINATOR)


def can_read(actor: Actor) -> bool:
    return actor.is_authenticated and bool(actor.roles_by_org)


def publishing_orgs(actor: Actor) -> set[int]:
    return actor.orgs_with(*PUBLISH_ROLES)


def can_publish(actor: Actor) -> bool:
    return bool(publishing_orgs(actor))


def can_edit(actor: Actor, service: Service) -> bool:
    return service.organisation_id in publishing_orgs(actor)
