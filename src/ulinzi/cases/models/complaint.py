"""SEAH complaints: stages with owners and deadlines, victim assistance apart, messages
with the complainant, internal notes, and the subject (investigators only)."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ulinzi.accounts.models import Organisation
from ulinzi.cases.models.note import BaseNote
from ulinzi.common.fields import EncryptedTextField
from ulinzi.common.versioning import version_field


class Stage(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ASSESSMENT = "assessment", _("Preliminary assessment")
    REFERRAL = "referral", _("Referral to investigation or the responsible entity")
    INVESTIGATION = "investigation", _("Investigation")
    OUTCOME = "outcome", _("Outcome")


STAGE_ORDER = [s.value for s in Stage]
# Default deadlines in calendar days per stage (docs/seah-complaints.md).
DEFAULT_DEADLINE_DAYS = {
    "intake": 2,
    "assessment": 7,
    "referral": 7,
    "investigation": 60,
    "outcome": 14,
}


class Outcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")
    NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")
    CLOSED = "closed", _("Closed without a finding")
    REFERRED_NATIONAL = "referred_national", _("Referred to national authorities")


class Source(models.TextChoices):
    ANONYMOUS = "anonymous", _("Anonymous report")
    NAMED = "named", _("Named complainant")
    STAFF = "staff", _("Staff member")


def new_reference() -> str:
    alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
    return "S-" + "".join(secrets.choice(alphabet) for _ in range(8))


class Complaint(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True, default=new_reference)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="complaints"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    anonymous_report = models.OneToOneField(
        "anonymous.AnonymousReport",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="seah_complaint",
    )
    complainant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    complainant_name = EncryptedTextField(blank=True, default="")
    complainant_contact = EncryptedTextField(blank=True, default="")
    kind = models.CharField(max_length=30)
    country = models.CharField(max_length=3, blank=True, default="")
    admin1_name = models.CharField(max_length=120, blank=True, default="")
    description = EncryptedTextField(blank=True, default="")
    subject_identity = EncryptedTextField(blank=True, default="")
    subject_organisation = EncryptedTextField(blank=True, default="")
    stage = models.CharField(max_length=14, choices=Stage.choices, default=Stage.INTAKE)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True, default="")
    received_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    version = version_field()  # one more at every change: the API's ETag

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["organisation", "stage"])]

    def __str__(self) -> str:
        return self.reference


class StagePeriod(models.Model):
    """One stage of one complaint: who owns it, by when, and when it ended."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="periods")
    stage = models.CharField(max_length=14, choices=Stage.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["ended_at", "deadline"])]

    def __str__(self) -> str:
        return f"{self.complaint} {self.stage}"


class StageDeadline(models.Model):
    """An organisation's own deadline for a stage, in days (else the defaults)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=14, choices=Stage.choices)
    days = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "stage"], name="unique_stage_deadline")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.stage} {self.days}d"


class ComplaintMessage(models.Model):
    """Between the complainant and the handlers; dated to the day, never names a handler
    to the complainant."""

    class Author(models.TextChoices):
        COMPLAINANT = "complainant", _("Complainant")
        HANDLER = "handler", _("Handler")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=12, choices=Author.choices)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = EncryptedTextField()
    sent_on = models.DateField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.complaint} {self.author}"


class ComplaintNote(BaseNote):
    """Internal: never shown to the complainant."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="notes")

    def __str__(self) -> str:
        return f"{self.complaint} note"


class AssistanceKind(models.TextChoices):
    NEEDS_ASSESSMENT = "needs_assessment", _("Needs assessment")
    MEDICAL = "medical", _("Medical care")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    LEGAL = "legal", _("Legal aid")
    SAFETY = "safety", _("Safety and shelter")
    MATERIAL = "material", _("Material support")
    OTHER = "other", _("Other")


class AssistanceStatus(models.TextChoices):
    PENDING = "pending", _("To be offered")
    OFFERED = "offered", _("Offered")
    PROVIDED = "provided", _("Provided")
    DECLINED = "declined", _("Declined by the victim")


class VictimAssistance(models.Model):
    """Support for the victim, tracked apart from the complaint's stages: it starts at
    intake and goes on whatever the investigation finds."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="assistance")
    kind = models.CharField(max_length=20, choices=AssistanceKind.choices)
    status = models.CharField(
        max_length=10, choices=AssistanceStatus.choices, default=AssistanceStatus.PENDING
    )
    provider = models.CharField(max_length=200, blank=True, default="")
    started_on = models.DateField()
    note = EncryptedTextField(blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"{self.complaint} {self.kind} {self.status}"
