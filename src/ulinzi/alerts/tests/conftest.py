"""Fixtures for the alerts tests: actors, subscriptions, alerts, loopback servers."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from ulinzi.alerts.tests.servers import MailSink, WebhookReceiver


@pytest.fixture
def actor(demo_orgs: Any) -> Callable[[str], Any]:
    from ulinzi.accounts.access import actor_for
    from ulinzi.accounts.models import User

    return lambda username: actor_for(User.objects.get(username=username))


@pytest.fixture
def subscribe(actor: Callable[[str], Any]) -> Callable[..., Any]:
    """``subscribe("coordinator2", organisation="amani", pcodes=["UA48"])``."""
    from ulinzi.alerts import services

    def make(username: str = "coordinator2", organisation: str | None = None, **data: Any) -> Any:
        data.setdefault("name", f"sub {username} {data.get('pcodes') or data.get('lat')}")
        return services.create_subscription(
            actor=actor(username), data=data, organisation=organisation
        )

    return make


@pytest.fixture
def raise_alert(actor: Callable[[str], Any]) -> Callable[..., Any]:
    """``raise_alert(pcodes=["UA4802"], severity="flash")`` as the cluster monitor."""
    from ulinzi.alerts import services

    def make(username: str = "monitor", now: datetime | None = None, **data: Any) -> Any:
        now = now or timezone.now()
        data.setdefault("title", "Armed group moving towards the district hospital")
        data.setdefault("threatened", "District hospital, 40 patients and 25 staff")
        data.setdefault("severity", "urgent")
        data.setdefault("domains", ["health_care_attack"])
        data.setdefault("expires_at", (now + timedelta(hours=12)).isoformat())
        return services.raise_alert(actor=actor(username), data=data, now=now)

    return make


LOOPBACK = "127.0.0.0/8, ::1"


@pytest.fixture
def webhook(settings: Any) -> Iterator[WebhookReceiver]:
    """A receiver on loopback, which the allow-list lets through."""
    settings.ULINZI_WEBHOOK_ALLOW = LOOPBACK
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[MailSink]:
    """A real SMTP server (aiosmtpd) on loopback; Django's SMTP backend talks to it."""
    from aiosmtpd.controller import Controller

    sink = MailSink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "alerts@ulinzi.test"
    yield sink
    controller.stop()
