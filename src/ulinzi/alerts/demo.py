"""Demo alert subscriptions, so a raised alert reaches people, and one demo alert.

Each demo organisation's inbox receives every alert (in-app). The monitors and
coordinators of both organisations are emailed the alerts in the demo countries (the
demo writes email to files: see ``ulinzi demo``'s output). Safe to run again.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ulinzi.accounts.access import actor_for
from ulinzi.accounts.models import User
from ulinzi.alerts import services
from ulinzi.alerts.models import Alert, Subscription
from ulinzi.geo.countries import country

ORGANISATIONS = ("cluster", "amani")
EMAILED = {"monitor": "cluster", "coordinator": "cluster", "monitor2": "amani",
           "coordinator2": "amani"}  # fmt: skip
INBOX = "Every alert (organisation inbox)"
BY_EMAIL = "Alerts in the demo countries (email)"
ALERT_TITLE = "Demo alert: armed groups reported moving towards health facilities"


def email_of(username: str) -> str:
    """The demo address of an emailed demo user (reserved domain: no one receives it)."""
    return f"{username}@{EMAILED[username]}.example.org"


def ensure_subscriptions(countries: tuple[str, ...]) -> list[Subscription]:
    """The organisations' inbox subscriptions and the demo users' email subscriptions."""
    out = []
    for code in ORGANISATIONS:
        admin = User.objects.get(username="admin" if code == "cluster" else "admin2")
        sub = Subscription.objects.filter(organisation__code=code, name=INBOX).first()
        if sub is None:
            sub = services.create_subscription(
                actor=actor_for(admin), data={"name": INBOX, "in_app": True}, organisation=code
            )
        out.append(sub)
    pcodes = sorted(c.iso2 for c in map(country, countries) if c is not None)
    for user in User.objects.filter(username__in=EMAILED).order_by("username"):
        sub = Subscription.objects.filter(user=user, name=BY_EMAIL).first()
        if sub is None:
            sub = services.create_subscription(
                actor=actor_for(user),
                data={
                    "name": BY_EMAIL,
                    "pcodes": pcodes,
                    "in_app": False,
                    "email": email_of(user.username),
                },
            )
        out.append(sub)
    return out


def ensure_alert() -> Alert:
    """One active alert from the cluster's monitor (raised once; never again, even after
    it expires), so the board, the inboxes and the mailbox have something to show."""
    # The headline is encrypted: compared here, not in SQL.
    for found in Alert.objects.filter(organisation__code="cluster"):
        if found.title == ALERT_TITLE:
            return found
    return services.raise_alert(
        actor=actor_for(User.objects.get(username="monitor")),
        data={
            "title": ALERT_TITLE,
            "threatened": "Generated demo alert: two district hospitals and the people "
            "sheltering near them. No real event is described.",
            "severity": "warning",
            "domains": ["health_care_attack", "protection"],
            "pcodes": ["UA-63"],
            "expires_at": timezone.now() + timedelta(days=30),
        },
        organisation="cluster",
    )
