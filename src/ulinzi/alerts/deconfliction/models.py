"""Humanitarian notification for deconfliction: sites, movements, notifications to
parties, acknowledgements, and an append-only event log per notification."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ulinzi.accounts.models import Organisation
from ulinzi.common.fields import EncryptedJSONField, EncryptedTextField
from ulinzi.common.versioning import version_field


class SiteType(models.TextChoices):
    OFFICE = "office", _("Office")
    WAREHOUSE = "warehouse", _("Warehouse")
    HEALTH_FACILITY = "health_facility", _("Health facility")
    SHELTER = "shelter", _("Shelter or collective centre")
    SCHOOL = "school", _("School or learning space")
    DISTRIBUTION = "distribution", _("Distribution point")
    GUEST_HOUSE = "guest_house", _("Staff residence or guest house")
    OTHER = "other", _("Other")


class Site(models.Model):
    """A static humanitarian site (GPS), notified to parties for as long as it operates."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting review")
        NOTIFIED = "notified", _("Notified")
        REMOVAL_REQUESTED = "removal_requested", _("Removal requested")
        REMOVED = "removed", _("Removal notified")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    coordinated_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    site_type = models.CharField(max_length=20, choices=SiteType.choices)
    lat = models.FloatField()
    lon = models.FloatField()
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    removal_reason = EncryptedTextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = version_field()  # one more at every change: the API's ETag

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Movement(models.Model):
    """A movement (convoy, evacuation, mission) along a route in a time window."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting review")
        NOTIFIED = "notified", _("Notified")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    coordinated_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=200)
    route = models.JSONField()  # [[lat, lon], ...], at least two points
    departure_from = models.DateTimeField()
    departure_until = models.DateTimeField()
    arrival_from = models.DateTimeField()
    arrival_until = models.DateTimeField()
    vehicles = models.PositiveIntegerField(default=1)
    vehicles_description = models.CharField(max_length=500, blank=True, default="")
    people = models.PositiveIntegerField(default=0)
    cargo = models.CharField(max_length=500, blank=True, default="")
    emergency = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    lead_time_override = models.BooleanField(default=False)
    override_reason = EncryptedTextField(blank=True, default="")
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = version_field()  # one more at every change: the API's ETag

    class Meta:
        ordering = ["departure_from"]

    def __str__(self) -> str:
        return self.purpose


class Kind(models.TextChoices):
    SITE = "site", _("Site")
    SITE_REMOVAL = "site_removal", _("Site removal")
    MOVEMENT = "movement", _("Movement")


class Batch(models.Model):
    """Items sent to one party together; the party may acknowledge them all at once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    party = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    coordinated_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"batch to {self.party_id} at {self.sent_at}"


class Notification(models.Model):
    """One site, site removal or movement notified to one party, with what was sent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="notifications")
    party = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    coordinated_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    movement = models.ForeignKey(
        Movement, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    # The item exactly as notified (the record for a dispute), a removal reason included.
    content = EncryptedJSONField()
    sent_at = models.DateTimeField()
    ack_deadline = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminder_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    lead_time_override = models.BooleanField(default=False)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "kind", "site"],
                condition=models.Q(site__isnull=False),
                name="notify_site_once_per_party",
            ),
            models.UniqueConstraint(
                fields=["party", "movement"],
                condition=models.Q(movement__isnull=False),
                name="notify_movement_once_per_party",
            ),
        ]
        indexes = [models.Index(fields=["acknowledged_at", "ack_deadline"])]

    def __str__(self) -> str:
        return f"{self.kind} to {self.party_id}"

    @property
    def item_name(self) -> str:
        return str(self.content.get("name") or self.content.get("purpose") or "")


class AppendOnly(models.QuerySet["Event"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the notification record is append-only")

    def delete(self) -> Any:
        raise PermissionError("the notification record is append-only")


class Event(models.Model):
    """One timestamped thing that happened to a notification. Never changed or deleted."""

    class Type(models.TextChoices):
        SENT = "sent", _("Sent")
        LEAD_TIME_OVERRIDE = "lead_time_override", _("Sent late: lead time overridden")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        REMINDER = "reminder", _("Reminder sent")
        ESCALATED = "escalated", _("Escalated to the coordinator")

    notification = models.ForeignKey(Notification, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    type = models.CharField(max_length=20, choices=Type.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True, default="")
    detail = EncryptedJSONField(default=dict, blank=True)  # e.g. why a lead time was overridden

    objects = AppendOnly.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.type} at {self.at}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the notification record is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("the notification record is append-only")
