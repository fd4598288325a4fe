"""Webhooks: a JSON POST signed with HMAC-SHA256 under the subscription's own secret.

Headers: ``Idempotency-Key`` (the same for every attempt of one delivery: receivers
must process each key once), ``X-Ulinzi-Timestamp`` (Unix seconds) and
``X-Ulinzi-Signature: sha256=HEX`` where HEX is HMAC-SHA256(secret, timestamp + "." +
body). Any 2xx answer counts as delivered; anything else is retried.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from ulinzi.alerts import conf, payload
from ulinzi.alerts.channels import DeliveryError
from ulinzi.alerts.models import Delivery


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def check_address(url: str) -> str | None:
    """Why ``url`` may not receive webhooks, or None when it may."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an http:// or https:// address"
    if conf.block_private_webhooks():
        try:
            infos = socket.getaddrinfo(parts.hostname, parts.port or 443)
        except OSError:
            return "the host name does not resolve"
        for info in infos:
            address = ipaddress.ip_address(info[4][0])
            if address.is_private or address.is_loopback or address.is_link_local:
                return "private and loopback addresses are not allowed here"
    return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an error: the signed body is not re-sent elsewhere


_opener = urllib.request.build_opener(_NoRedirect)


def send(delivery: Delivery) -> None:
    sub = delivery.subscription
    problem = check_address(sub.webhook_url)
    if problem:
        raise DeliveryError(f"webhook address {problem}")
    body = json.dumps(
        payload.webhook_payload(delivery), separators=(",", ":"), sort_keys=True
    ).encode()
    stamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        sub.webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Ulinzi-Alerts/1",
            "Idempotency-Key": delivery.idempotency_key,
            "X-Ulinzi-Timestamp": stamp,
            "X-Ulinzi-Signature": signature(sub.webhook_secret, stamp, body),
        },
    )
    try:
        with _opener.open(request, timeout=conf.webhook_timeout()) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"webhook answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise DeliveryError(f"webhook unreachable: {exc}") from exc
    if not 200 <= status < 300:
        raise DeliveryError(f"webhook answered HTTP {status}")
