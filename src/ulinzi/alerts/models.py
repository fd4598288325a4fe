"""Flash alerts, subscriptions, deliveries, acknowledgements and escalations."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ulinzi.accounts.models import Organisation
from ulinzi.common.fields import EncryptedTextField
from ulinzi.common.versioning import version_field


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    URGENT = "urgent", _("Urgent")
    FLASH = "flash", _("Flash")


SEVERITY_RANK: dict[str, int] = {"info": 1, "warning": 2, "urgent": 3, "flash": 4}
ESCALATING_RANK = SEVERITY_RANK["urgent"]


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In-app")
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook")


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


class Alert(models.Model):
    """A warning of an imminent threat to people or places in an area."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = EncryptedTextField()  # the headline, at most 200 characters
    threatened = EncryptedTextField(blank=True, default="")
    details = EncryptedTextField(blank=True, default="")
    severity = models.CharField(max_length=8, choices=Severity.choices)
    severity_rank = models.PositiveSmallIntegerField()
    domains = models.JSONField(default=list)
    domain_mask = models.IntegerField()
    pcodes = models.JSONField(default=list, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    radius_km = models.FloatField(null=True, blank=True)
    expires_at = models.DateTimeField()
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    matched = models.PositiveIntegerField(default=0)
    escalation_checked_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = version_field()  # one more at every change: the API's ETag

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at", "cancelled_at"])]

    def __str__(self) -> str:
        return f"{self.severity}: {self.title}"

    def is_active(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return self.cancelled_at is None and self.expires_at > moment  # type: ignore[operator]


class Subscription(models.Model):
    """Who wants which alerts (area, domains, minimum severity) through which channels.

    Held by an organisation (every member who receives alerts sees its in-app
    deliveries) or by one user. The area is a list of P-codes (a code covers its
    children), a circle (point and radius), or both; no area at all means everywhere.
    """

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alert_subscriptions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=120)
    domains = models.JSONField(default=list, blank=True)
    domain_mask = models.IntegerField()
    min_severity = models.CharField(max_length=8, choices=Severity.choices, default="info")
    min_severity_rank = models.PositiveSmallIntegerField(default=1)
    pcodes = models.JSONField(default=list, blank=True)
    everywhere = models.BooleanField(default=False)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    radius_km = models.FloatField(null=True, blank=True)
    # Bounding box of the circle, for the SQL prefilter (antimeridian-crossing boxes
    # are widened to the whole longitude range).
    min_lat = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    min_lon = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    in_app = models.BooleanField(default=True)
    email = EncryptedTextField(blank=True, default="")
    has_email = models.BooleanField(default=False)  # so matching never decrypts
    webhook_url = models.URLField(max_length=500, blank=True, default="")
    webhook_secret = EncryptedTextField(blank=True, default="")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(user__isnull=True))
                | (Q(organisation__isnull=True) & Q(user__isnull=False)),
                name="subscription_one_holder",
            )
        ]
        indexes = [
            models.Index(fields=["active", "min_severity_rank", "min_lat", "max_lat"]),
            models.Index(fields=["active", "everywhere"]),
        ]

    def __str__(self) -> str:
        return self.name

    def channels(self) -> list[str]:
        out = []
        if self.in_app:
            out.append(Channel.IN_APP.value)
        if self.has_email:
            out.append(Channel.EMAIL.value)
        if self.webhook_url:
            out.append(Channel.WEBHOOK.value)
        return out


class SubscriptionArea(models.Model):
    """One P-code of a subscription's area (a row each, so matching is an indexed join)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="areas")
    pcode = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "pcode"], name="unique_sub_pcode")
        ]
        indexes = [models.Index(fields=["pcode"])]

    def __str__(self) -> str:
        return self.pcode


class Delivery(models.Model):
    """One alert on its way to one subscription through one channel."""

    # The unique (alert, subscription, channel) index serves lookups by alert.
    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Copies of the subscription's holder, for the inbox; the subscription's own
    # foreign keys guard integrity, so these skip a database check per delivery.
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    state = models.CharField(
        max_length=12, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    next_attempt_at = models.DateTimeField(null=True)
    lease_until = models.DateTimeField(null=True)
    lease_owner = models.CharField(max_length=32, blank=True, default="")
    task_id = models.CharField(max_length=64, blank=True, default="")
    idempotency_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "subscription", "channel"], name="unique_delivery"
            )
        ]
        # Partial indexes: most rows are in-app deliveries to organisations, sent at once.
        indexes = [
            models.Index(
                fields=["state", "next_attempt_at"],
                condition=Q(state="queued"),
                name="delivery_queued_idx",
            ),
            models.Index(
                fields=["organisation", "channel"],
                condition=Q(organisation__isnull=False),
                name="delivery_org_idx",
            ),
            models.Index(
                fields=["user", "channel"],
                condition=Q(user__isnull=False),
                name="delivery_user_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} → {self.subscription_id} ({self.channel}: {self.state})"


class Acknowledgement(models.Model):
    """A recipient (one subscription) confirmed it received an alert."""

    class Via(models.TextChoices):
        INBOX = "inbox", _("In-app inbox")
        EMAIL = "email", _("Link in the email")
        API = "api", _("API")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="acknowledgements")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    via = models.CharField(max_length=6, choices=Via.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "subscription"], name="unique_ack")]

    def __str__(self) -> str:
        return f"{self.alert_id} acknowledged by {self.subscription_id}"


class TickSchedule(models.Model):
    """The next periodic check task, so several workers keep a single chain of them."""

    name = models.CharField(max_length=40, primary_key=True)
    task_id = models.CharField(max_length=64, blank=True, default="")

    def __str__(self) -> str:
        return self.name


class Escalation(models.Model):
    """Recipients had not acknowledged an urgent or flash alert in time."""

    alert = models.OneToOneField(Alert, on_delete=models.CASCADE, related_name="escalation")
    at = models.DateTimeField()
    unacknowledged = models.JSONField(default=list)  # subscription names
    notified = models.JSONField(default=list)  # usernames of the coordinators told

    def __str__(self) -> str:
        return f"escalation of {self.alert_id}"
