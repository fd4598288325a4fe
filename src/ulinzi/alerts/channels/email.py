"""Email through Django's email backend (SMTP in production)."""

from __future__ import annotations

import smtplib
from datetime import timedelta

from django.core import signing
from django.core.mail import EmailMessage
from django.urls import reverse

from ulinzi.alerts import conf, payload
from ulinzi.alerts.channels import DeliveryError
from ulinzi.alerts.models import Delivery

ACK_SALT = "ulinzi.alerts.ack"


def ack_token(delivery: Delivery) -> str:
    """A signed token naming the delivery; checked with an expiry when used."""
    return signing.dumps({"d": delivery.pk}, salt=ACK_SALT, compress=True)


def delivery_id_from_token(token: str) -> int:
    """The delivery a token names; :class:`signing.BadSignature` if forged or expired."""
    data = signing.loads(token, salt=ACK_SALT, max_age=timedelta(days=conf.ack_link_days()))
    return int(data["d"])


def ack_url(delivery: Delivery) -> str:
    return conf.site_url() + reverse("alerts:ack_link", args=[ack_token(delivery)])


def send(delivery: Delivery) -> None:
    address = delivery.subscription.email
    if not address:
        raise DeliveryError("the subscription has no email address any more")
    message = EmailMessage(
        subject=payload.email_subject(delivery.alert),
        body=payload.email_body(delivery, ack_url(delivery)),
        to=[address],
        headers={
            "Idempotency-Key": delivery.idempotency_key,
            "Message-ID": f"<{delivery.idempotency_key}@ulinzi.alerts>",
        },
    )
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"email: {type(exc).__name__}: {exc}") from exc
