"""In-app notifications: to users by role in organisations, and to a case's area
coordinators. Titles name a case reference, never a person."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from ulinzi.accounts.models import User
from ulinzi.accounts.roles import Role
from ulinzi.cases.models import AreaCoordinator, Case, Notification


def users_with(organisation_ids: Iterable[int], *roles: str) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id__in=list(organisation_ids),
            memberships__role__in=list(roles),
        )
        .distinct()
        .order_by("username")
    )


def area_coordinators(case: Case) -> list[User]:
    """The coordinators of the case's organisation for its area (admin1, else the
    whole country); every coordinator of the organisation when none is set."""
    rows = AreaCoordinator.objects.filter(
        organisation_id=case.organisation_id, country=case.country
    )
    exact = [
        r.user
        for r in rows.select_related("user")
        if r.admin1_pcode and r.admin1_pcode == case.admin1_pcode
    ]
    if exact:
        return exact
    country = [r.user for r in rows.select_related("user") if not r.admin1_pcode]
    if country:
        return country
    return users_with([case.organisation_id], Role.COORDINATOR)


def send(users: Iterable[User], *, kind: str, title: str, link: str = "") -> int:
    made = [
        Notification(user=u, kind=kind, title=title[:300], link=link)
        for u in {u.pk: u for u in users}.values()
    ]
    Notification.objects.bulk_create(made)
    return len(made)


def mark_read(notification: Notification) -> Notification:
    """Mark the notification read, once: the first reading's time is kept."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
