"""Channels an alert travels through. In-app deliveries are written ready to read, so
only email and webhooks are sent by the worker."""

from __future__ import annotations

from ulinzi.alerts.models import Delivery


class DeliveryError(Exception):
    """Sending failed; the delivery is retried later (or marked failed)."""


def send(delivery: Delivery) -> None:
    """Send one delivery through its channel; raise :class:`DeliveryError` on failure."""
    if delivery.channel == "email":
        from ulinzi.alerts.channels import email

        email.send(delivery)
    elif delivery.channel == "webhook":
        from ulinzi.alerts.channels import webhook

        webhook.send(delivery)
    else:
        raise DeliveryError(f"channel {delivery.channel} is not sent by the worker")
