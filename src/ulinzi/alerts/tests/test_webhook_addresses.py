"""Webhooks reach only the addresses that were checked: at delivery, after resolving the
name once, the request goes to that address (rebinding cannot move it); internal
receivers need the allow-list. Receivers are real servers on loopback; names are
resolved by a table given to the code, never by DNS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ulinzi.alerts import delivery
from ulinzi.alerts.models import Delivery
from ulinzi.alerts.tests.conftest import LOOPBACK
from ulinzi.alerts.tests.servers import WebhookReceiver, tls_for


class Rebinding:
    """Answers ``first`` to the first lookup of a name and ``then`` to every later one."""

    def __init__(self, first: list[str], then: list[str]) -> None:
        self.first, self.then = first, then
        self.lookups: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append((host, port))
        return self.first if len(self.lookups) == 1 else self.then


def _send_one(subscribe: Any, raise_alert: Any, url: str) -> Delivery:
    sub = subscribe("coordinator2", organisation="amani", webhook_url=url, in_app=False)
    alert = raise_alert(pcodes=["UA48"])
    d = Delivery.objects.get(alert=alert, subscription=sub, channel="webhook")
    delivery.send_batch([d.pk])
    d.refresh_from_db()
    return d


def test_an_address_refused_at_delivery_gets_no_request_and_no_echo(
    subscribe: Any, raise_alert: Any, webhook: WebhookReceiver, settings: Any
) -> None:
    """A subscription stored while allowed (or before the check existed) is refused at
    delivery once the allow-list no longer covers it; the error says only why."""
    webhook.fail_first = 1  # would answer HTTP 500 if reached
    subscribe("coordinator2", organisation="amani", webhook_url=webhook.url + "/x", in_app=False)
    settings.ULINZI_WEBHOOK_ALLOW = ""
    alert = raise_alert(pcodes=["UA48"])
    d = Delivery.objects.get(alert=alert, channel="webhook")
    delivery.send_batch([d.pk])
    d.refresh_from_db()
    assert webhook.requests == []
    assert d.state == "queued" and d.attempts == 1
    assert d.last_error == "webhook address refused: 127.0.0.1 is not a public address"


def test_a_name_that_resolves_to_an_internal_address_is_refused(
    subscribe: Any, raise_alert: Any, webhook: WebhookReceiver, settings: Any
) -> None:
    settings.ULINZI_WEBHOOK_RESOLVER = Rebinding(["127.0.0.1"], ["127.0.0.1"])
    settings.ULINZI_WEBHOOK_ALLOW = ""
    d = _send_one(subscribe, raise_alert, f"http://hooks.example.org:{webhook.port}/x")
    assert webhook.requests == []
    assert d.last_error == (
        "webhook address refused: the host name resolves to an address that is not public"
    )


def test_delivery_connects_to_the_checked_address_with_the_name_as_host(
    subscribe: Any, raise_alert: Any, webhook: WebhookReceiver, settings: Any
) -> None:
    """The name is resolved once per delivery; a later answer pointing elsewhere (here an
    address the allow-list refuses) is never asked for nor used."""
    settings.ULINZI_WEBHOOK_ALLOW = "127.0.0.1/32"
    resolver = Rebinding(["127.0.0.1"], ["127.0.0.2"])
    settings.ULINZI_WEBHOOK_RESOLVER = resolver
    d = _send_one(subscribe, raise_alert, f"http://hooks.example.org:{webhook.port}/in?x=1")
    assert (d.state, d.last_error) == ("sent", "")
    assert resolver.lookups == [("hooks.example.org", webhook.port)]
    [received] = webhook.requests
    assert received.path == "/in?x=1"
    assert received.headers["Host"] == f"hooks.example.org:{webhook.port}"


def test_https_checks_the_certificate_of_the_name_at_the_checked_address(
    subscribe: Any,
    raise_alert: Any,
    settings: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    context, ca_file = tls_for("hooks.example.org", tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    settings.ULINZI_WEBHOOK_ALLOW = LOOPBACK
    settings.ULINZI_WEBHOOK_RESOLVER = lambda host, port: ["127.0.0.1"]
    receiver = WebhookReceiver(tls=context).start()
    try:
        good = _send_one(subscribe, raise_alert, f"https://hooks.example.org:{receiver.port}/s")
        assert (good.state, good.last_error) == ("sent", "")
        assert [r.headers["Host"] for r in receiver.requests] == [
            f"hooks.example.org:{receiver.port}"
        ]
        # Another name at the same address: its certificate does not match, nothing is sent.
        bad = _send_one(subscribe, raise_alert, f"https://other.example.org:{receiver.port}/s")
        assert bad.state == "queued" and bad.last_error.startswith("webhook unreachable")
        assert len(receiver.requests) == 1
    finally:
        receiver.stop()
