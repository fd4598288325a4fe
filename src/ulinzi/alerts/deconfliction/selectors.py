"""Reads for deconfliction, scoped by the acting user."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from ulinzi.accounts.access import Actor
from ulinzi.alerts.deconfliction import policies
from ulinzi.alerts.deconfliction.models import Batch, Movement, Notification, Site
from ulinzi.common.problems import NotAllowed, NotFound


def sites(actor: Actor) -> QuerySet[Site]:
    q = Q(organisation_id__in=policies.viewing_orgs(actor)) | Q(
        coordinated_by_id__in=policies.cells(actor)
    )
    return Site.objects.filter(q).select_related("organisation")


def movements(actor: Actor) -> QuerySet[Movement]:
    q = Q(organisation_id__in=policies.viewing_orgs(actor)) | Q(
        coordinated_by_id__in=policies.cells(actor)
    )
    return Movement.objects.filter(q).select_related("organisation")


def _one(qs: QuerySet, actor: Actor, pk: uuid.UUID | str, what: str):  # type: ignore[no-untyped-def, type-arg]
    if not actor.is_authenticated:
        raise NotAllowed("sign in first")
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(f"no {what} {pk}") from exc


def site(actor: Actor, pk: uuid.UUID | str) -> Site:
    found: Site = _one(sites(actor), actor, pk, "site")
    return found


def movement(actor: Actor, pk: uuid.UUID | str) -> Movement:
    found: Movement = _one(movements(actor), actor, pk, "movement")
    return found


def notifications(actor: Actor) -> QuerySet[Notification]:
    """A focal point: their party's; a coordinator: those their cell sent."""
    q = Q(party_id__in=policies.focal_parties(actor)) | Q(
        coordinated_by_id__in=policies.cells(actor)
    )
    return Notification.objects.filter(q).select_related("party", "batch")


def notification(actor: Actor, pk: uuid.UUID | str) -> Notification:
    found: Notification = _one(notifications(actor), actor, pk, "notification")
    return found


def batch(actor: Actor, pk: uuid.UUID | str) -> Batch:
    q = Q(party_id__in=policies.focal_parties(actor)) | Q(
        coordinated_by_id__in=policies.cells(actor)
    )
    found: Batch = _one(Batch.objects.filter(q).select_related("party"), actor, pk, "batch")
    return found


def overdue(actor: Actor) -> QuerySet[Notification]:
    """Escalated notifications the actor's cell must follow up."""
    return Notification.objects.filter(
        coordinated_by_id__in=policies.cells(actor),
        acknowledged_at__isnull=True,
        escalated_at__isnull=False,
    ).select_related("party")
