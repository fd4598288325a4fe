"""Escalation of urgent and flash alerts that recipients have not acknowledged in time.

After ``ULINZI_ALERT_ESCALATE_AFTER_MINUTES`` (default 30) the raising organisation's
coordinators are told which recipients have not acknowledged: once per alert, in their
inbox and by email. The check takes ``now`` so it can be tested with a set clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from ulinzi.accounts.roles import Role
from ulinzi.alerts import conf, notify
from ulinzi.alerts.models import ESCALATING_RANK, Acknowledgement, Alert, Delivery, Escalation


def unacknowledged(alert: Alert) -> list[str]:
    """Names of the subscriptions that received ``alert`` and have not acknowledged it."""
    delivered = set(Delivery.objects.filter(alert=alert).values_list("subscription_id", flat=True))
    acked = set(
        Acknowledgement.objects.filter(alert=alert).values_list("subscription_id", flat=True)
    )
    from ulinzi.alerts.models import Subscription

    return list(
        Subscription.objects.filter(pk__in=delivered - acked)
        .order_by("name")
        .values_list("name", flat=True)
    )


def check_escalations(*, now: datetime) -> list[Escalation]:
    """Escalate every due alert once; returns the escalations made."""
    due_before = now - timedelta(minutes=conf.escalate_after_minutes())
    made = []
    due = Alert.objects.filter(
        severity_rank__gte=ESCALATING_RANK,
        escalation_checked_at__isnull=True,
        created_at__lte=due_before,
    ).select_related("organisation")
    for alert in due:
        with transaction.atomic():
            claimed = Alert.objects.filter(pk=alert.pk, escalation_checked_at__isnull=True).update(
                escalation_checked_at=now
            )
            if not claimed or alert.cancelled_at is not None or alert.expires_at <= now:
                continue
            missing = unacknowledged(alert)
            if not missing:
                continue
            coordinators = notify.users_with_role([alert.organisation_id], Role.COORDINATOR)
            made.append(
                Escalation.objects.create(
                    alert=alert,
                    at=now,
                    unacknowledged=missing,
                    notified=[u.username for u in coordinators],
                )
            )
        subject = _("[Escalation] %(title)s: %(n)s recipients have not acknowledged") % {
            "title": alert.title,
            "n": len(missing),
        }
        body = "\n".join(
            [
                _("The %(severity)s alert “%(title)s” raised at %(at)s UTC is not acknowledged by:")
                % {
                    "severity": alert.get_severity_display(),
                    "title": alert.title,
                    "at": alert.created_at.strftime("%Y-%m-%d %H:%M"),
                },
                *[f"- {name}" for name in missing],
                "",
                _("Board: %s") % (conf.site_url() + f"/alerts/{alert.pk}/"),
            ]
        )
        notify.email_users(coordinators, subject, body)
    return made
