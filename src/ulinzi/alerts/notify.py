"""Plain email to people (coordinators, focal points) for escalations and reminders."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable

from django.core.mail import send_mail

from ulinzi.accounts.models import User

log = logging.getLogger(__name__)


def users_with_role(organisation_ids: Iterable[int], role: str) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id__in=list(organisation_ids),
            memberships__role=role,
        )
        .distinct()
        .order_by("username")
    )


def email_users(users: Iterable[User], subject: str, body: str) -> int:
    """Email each user that has an address; failures are logged, never raised."""
    sent = 0
    for user in users:
        if not user.email:
            continue
        try:
            sent += send_mail(subject, body, None, [user.email], fail_silently=False)
        except (smtplib.SMTPException, OSError) as exc:
            log.warning("could not email %s: %s", user.username, exc)
    return sent
