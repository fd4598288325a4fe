"""Email through a real SMTP server (aiosmtpd), the signed acknowledgement link, and
escalation with an explicit clock."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from ulinzi.alerts import delivery, escalation
from ulinzi.alerts.models import Acknowledgement, Delivery, Escalation
from ulinzi.alerts.tick import tick


def test_email_carries_a_signed_ack_link(
    subscribe: Any, raise_alert: Any, smtp: Any, settings: Any
) -> None:
    settings.ULINZI_SITE_URL = "http://ulinzi.test"
    sub = subscribe("coordinator2", organisation="amani", pcodes=["UA48"], email="ops@amani.test")
    alert = raise_alert(pcodes=["UA4802"], severity="flash")
    d = Delivery.objects.get(alert=alert, channel="email")
    assert delivery.send_batch([d.pk]) == {"sent": 1, "retry": 0}
    d.refresh_from_db()
    assert d.state == "sent"
    [(to, message)] = smtp.messages
    assert to == ["ops@amani.test"]
    assert message["Subject"] == f"[FLASH] {alert.title}"
    assert message["Idempotency-Key"] == d.idempotency_key
    text = message.get_content()
    assert "District hospital, 40 patients and 25 staff" in text
    link = re.search(r"http://ulinzi\.test(/alerts/ack/[^/\s]+/)", text)
    assert link, text

    client = Client()  # not signed in: the signature is the authority
    page = client.get(link.group(1))
    assert page.status_code == 200
    assert not Acknowledgement.objects.exists()  # a GET (mail scanner) changes nothing
    assert client.post(link.group(1)).status_code == 200
    ack = Acknowledgement.objects.get(alert=alert)
    assert (ack.subscription_id, ack.via, ack.user) == (sub.pk, "email", None)
    # Tampered or expired links are refused.
    assert client.post(link.group(1)[:-3] + "xx/").status_code == 404
    settings.ULINZI_ALERT_ACK_LINK_DAYS = -1
    assert client.post(link.group(1)).status_code == 404


def test_smtp_refusal_is_retried(subscribe: Any, raise_alert: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = s.getsockname()[1]  # nobody listens
    subscribe("coordinator2", organisation="amani", pcodes=["UA48"], email="ops@amani.test")
    alert = raise_alert(pcodes=["UA48"])
    d = Delivery.objects.get(alert=alert, channel="email")
    delivery.send_batch([d.pk])
    d.refresh_from_db()
    assert (d.state, d.attempts) == ("queued", 1)
    assert d.last_error.startswith("email:")


def test_unacknowledged_urgent_alert_escalates_once(
    subscribe: Any, raise_alert: Any, actor: Any, smtp: Any, settings: Any, user: Any
) -> None:
    settings.ULINZI_ALERT_ESCALATE_AFTER_MINUTES = 30
    coordinator = user("coordinator")
    coordinator.email = "coordinator@cluster.test"
    coordinator.save()
    amani = subscribe("coordinator2", organisation="amani", pcodes=["UA48"], name="Amani")
    subscribe("analyst", pcodes=["UA"], name="Analyst's own")
    t0 = timezone.now()
    alert = raise_alert(pcodes=["UA4802"], severity="flash", now=t0)
    info = raise_alert(pcodes=["UA4802"], severity="info", now=t0)

    # Amani acknowledges; the analyst does not.
    from ulinzi.alerts import services

    services.acknowledge(actor=actor("monitor2"), alert=alert, now=t0 + timedelta(minutes=5))
    assert escalation.check_escalations(now=t0 + timedelta(minutes=29)) == []
    [made] = escalation.check_escalations(now=t0 + timedelta(minutes=31))
    assert made.alert == alert
    assert made.unacknowledged == ["Analyst's own"]
    assert made.notified == ["coordinator"]
    assert Acknowledgement.objects.get(alert=alert).subscription_id == amani.pk
    # Once only, and never for info alerts.
    assert escalation.check_escalations(now=t0 + timedelta(minutes=90)) == []
    assert not Escalation.objects.filter(alert=info).exists()
    [(to, message)] = smtp.messages
    assert to == ["coordinator@cluster.test"]
    assert "Analyst's own" in message.get_content()
    # The raising organisation's coordinators see it in their inbox.
    from ulinzi.alerts import selectors

    assert list(selectors.escalations(actor("coordinator"))) == [made]
    assert list(selectors.escalations(actor("coordinator2"))) == []


def test_fully_acknowledged_or_cancelled_alerts_do_not_escalate(
    subscribe: Any, raise_alert: Any, actor: Any
) -> None:
    from ulinzi.alerts import services

    subscribe("coordinator2", organisation="amani", pcodes=["UA48"])
    t0 = timezone.now()
    acked = raise_alert(pcodes=["UA48"], severity="urgent", now=t0)
    services.acknowledge(actor=actor("coordinator2"), alert=acked, now=t0)
    cancelled = raise_alert(pcodes=["UA48"], severity="urgent", now=t0)
    services.cancel_alert(actor=actor("monitor"), alert=cancelled, now=t0)
    report = tick(now=t0 + timedelta(hours=1))
    assert report["alert_escalations"] == 0
    assert not Escalation.objects.exists()


def test_the_worker_keeps_one_chain_of_periodic_checks(db: Any, settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    from ulinzi.alerts.models import TickSchedule
    from ulinzi.alerts.tasks import schedule_tick

    settings.ULINZI_ALERT_TICK_SECONDS = 60
    assert schedule_tick() is True  # a worker starts: a check is due now
    assert schedule_tick() is False  # a second worker finds it waiting
    first = TickSchedule.objects.get().task_id
    row = DBTaskResult.objects.get(id=first)
    row.claim("w1")  # it runs; when it ends it schedules its successor a minute later
    assert schedule_tick(current=first) is True
    successor = DBTaskResult.objects.get(id=TickSchedule.objects.get().task_id)
    assert successor.run_after > timezone.now() + timedelta(seconds=50)
    # A second check ending (a parallel chain) finds a waiting check that is not its own,
    # and stops: the chains merge into one.
    assert schedule_tick(current=first) is False
    assert (
        DBTaskResult.objects.filter(task_path__endswith="alerts_tick", status="READY").count() == 1
    )
