"""Anonymous reports, the messages exchanged about them, and where they are sent.

Nothing here identifies the reporter: no address, user agent, referrer or account, and
dates are kept to the day (``DateField``; no ``auto_now`` timestamps). The receipt code
is kept only as an Argon2id hash plus a keyed locator (see :mod:`.receipts`).
A report may later become an incident (``incident``) and, once SEAH complaint handling
exists, a complaint case beside it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ulinzi.accounts.models import Organisation
from ulinzi.common.fields import EncryptedTextField


class Category(models.TextChoices):
    SEAH = "seah", _("Sexual abuse or exploitation by aid or health personnel")
    HEALTH_CARE_ATTACK = "health_care_attack", _("Violence against health care")
    PROTECTION = "protection", _("Another protection concern")


class Stage(models.TextChoices):
    # In a context of their own: "Received" elsewhere heads a column of dates.
    RECEIVED = "received", pgettext_lazy("anonymous report stage", "Received")
    UNDER_REVIEW = "under_review", pgettext_lazy("anonymous report stage", "Under review")
    ACTED_ON = "acted_on", pgettext_lazy("anonymous report stage", "Referred or acted on")
    CLOSED = "closed", pgettext_lazy("anonymous report stage", "Closed")


class Receiver(models.Model):
    """An organisation that receives anonymous reports. The first one (by id) gets
    every report no :class:`Route` sends elsewhere."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="anonymous_receiver"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.organisation)


class Route(models.Model):
    """Send reports of a category and/or country to an organisation; blank = any."""

    category = models.CharField(max_length=24, blank=True, default="", choices=Category.choices)
    country = models.CharField(max_length=3, blank=True, default="")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="anonymous_routes"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["category", "country"], name="unique_anonymous_route")
        ]

    def __str__(self) -> str:
        return f"{self.category or '*'}/{self.country or '*'} → {self.organisation}"


class AnonymousReport(models.Model):
    """What an anonymous reporter told us, and how far its handling has gone."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Keyed HMAC of the first groups of the receipt: finds the one candidate row.
    receipt_locator = models.CharField(max_length=64, unique=True)
    # Argon2id hash of the whole receipt: the only proof of it that is kept.
    receipt_hash = models.CharField(max_length=200)
    # NULL until a receiver is configured; no report is refused for want of one.
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="anonymous_reports",
    )
    category = models.CharField(max_length=24, choices=Category.choices)
    what_happened = EncryptedTextField()
    country = models.CharField(max_length=3)
    admin1_name = models.CharField(max_length=120, blank=True, default="")
    occurred_on = models.DateField()
    occurred_precision = models.CharField(max_length=5, default="month")
    contact_preference = EncryptedTextField(blank=True, default="")
    language = models.CharField(max_length=8, blank=True, default="")
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.RECEIVED)
    submitted_on = models.DateField()
    stage_changed_on = models.DateField()
    incident = models.OneToOneField(
        "incidents.Incident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="anonymous_report",
    )

    class Meta:
        ordering = ["-submitted_on", "id"]
        indexes = [models.Index(fields=["organisation", "stage"])]

    def __str__(self) -> str:
        return f"{self.category} {self.country} {self.submitted_on}"


class ReportMessage(models.Model):
    """One message between the anonymous reporter and the handlers, dated to the day."""

    class Author(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        HANDLER = "handler", _("Handler")

    report = models.ForeignKey(AnonymousReport, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=8, choices=Author.choices)
    # Which handler wrote it (never shown to the reporter); empty for the reporter.
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    body = EncryptedTextField()
    sent_on = models.DateField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.author} {self.sent_on}"
