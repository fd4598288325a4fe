"""Webhooks: a JSON POST signed with HMAC-SHA256 under the subscription's own secret.

Headers: ``Idempotency-Key`` (the same for every attempt of one delivery: receivers
must process each key once), ``X-Ulinzi-Timestamp`` (Unix seconds) and
``X-Ulinzi-Signature: sha256=HEX`` where HEX is HMAC-SHA256(secret, timestamp + "." +
body). Any 2xx answer counts as delivered; anything else is retried. The address must be
public unless allowed (:mod:`ulinzi.common.outbound`), checked at subscription and again
after resolving the name at each delivery.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import time

from ulinzi.alerts import conf, payload
from ulinzi.alerts.channels import DeliveryError
from ulinzi.alerts.models import Delivery
from ulinzi.common import outbound


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def check_address(url: str) -> str | None:
    """Why ``url`` may not receive webhooks, or None when it may (the name is not looked
    up here; it is at every delivery)."""
    return outbound.check_url(url)


def send(delivery: Delivery) -> None:
    sub = delivery.subscription
    body = json.dumps(
        payload.webhook_payload(delivery), separators=(",", ":"), sort_keys=True
    ).encode()
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Ulinzi-Alerts/1",
        "Idempotency-Key": delivery.idempotency_key,
        "X-Ulinzi-Timestamp": stamp,
        "X-Ulinzi-Signature": signature(sub.webhook_secret, stamp, body),
    }
    try:
        status = outbound.post(sub.webhook_url, body, headers, timeout=conf.webhook_timeout())
    except outbound.Refused as exc:
        raise DeliveryError(f"webhook address refused: {exc}") from None
    except TimeoutError as exc:
        raise DeliveryError("webhook unreachable: timed out") from exc
    except (OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise DeliveryError(f"webhook unreachable: {reason}") from exc
    if not 200 <= status < 300:
        raise DeliveryError(f"webhook answered HTTP {status}")
