"""Missing acknowledgements: reminders to the party's focal points after the deadline,
then escalation to the coordinator. Run by the periodic check with an explicit clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ulinzi.accounts.roles import Role
from ulinzi.alerts import notify
from ulinzi.alerts.deconfliction import conf
from ulinzi.alerts.deconfliction.models import Event, Notification


def check(*, now: datetime) -> dict[str, int]:
    interval = timedelta(hours=conf.reminder_hours())
    limit = conf.reminders()
    due = Notification.objects.filter(
        acknowledged_at__isnull=True, escalated_at__isnull=True, ack_deadline__lte=now
    ).filter(Q(last_reminder_at__isnull=True) | Q(last_reminder_at__lte=now - interval))
    reminded = escalated = 0
    for n in due.select_related("party", "coordinated_by"):
        with transaction.atomic():
            mine = Notification.objects.filter(
                pk=n.pk,
                acknowledged_at__isnull=True,
                escalated_at__isnull=True,
                reminders_sent=n.reminders_sent,
            )
            if n.reminders_sent < limit:
                if not mine.update(reminders_sent=n.reminders_sent + 1, last_reminder_at=now):
                    continue
                Event.objects.create(
                    notification=n,
                    at=now,
                    type=Event.Type.REMINDER,
                    detail={"number": n.reminders_sent + 1},
                )
                people = notify.users_with_role([n.party_id], Role.PARTY_FOCAL_POINT)
                subject = _("Reminder: please acknowledge a humanitarian notification")
                reminded += 1
            else:
                if not mine.update(escalated_at=now):
                    continue
                Event.objects.create(
                    notification=n,
                    at=now,
                    type=Event.Type.ESCALATED,
                    detail={"reminders": n.reminders_sent},
                )
                people = notify.users_with_role([n.coordinated_by_id], Role.COORDINATOR)
                subject = _("Not acknowledged by %s after reminders") % n.party.name
                escalated += 1
        body = "\n".join(
            [
                f"{n.get_kind_display()}: {n.item_name}",
                _("Sent %(at)s UTC to %(party)s; acknowledgement was due %(due)s UTC.")
                % {
                    "at": n.sent_at.strftime("%Y-%m-%d %H:%M"),
                    "party": n.party.name,
                    "due": n.ack_deadline.strftime("%Y-%m-%d %H:%M"),
                },
                "",
                str(conf.NOTICE),
            ]
        )
        notify.email_users(people, subject, body)
    return {"deconfliction_reminders": reminded, "deconfliction_escalations": escalated}
