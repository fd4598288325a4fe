"""The case file of one survivor: identity (encrypted), needs, notes, a timeline."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ulinzi.accounts.models import Organisation
from ulinzi.cases.models.note import BaseNote
from ulinzi.common.fields import EncryptedTextField
from ulinzi.common.versioning import version_field
from ulinzi.vocab import registry


class RiskLevel(models.TextChoices):
    NONE = "none", _("Not assessed")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    SEVERE = "severe", _("Severe")


LEVEL_ORDER = ["none", "low", "medium", "high", "severe"]


def new_reference() -> str:
    """A short case reference that says nothing about the survivor."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
    return "C-" + "".join(secrets.choice(alphabet) for _ in range(8))


class Case(models.Model):
    """Opened by a case worker; seen by that worker, the worker it is assigned to and
    the organisation's coordinators. Other organisations see only what a consent
    shares through a referral or a protective measure."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")
        UNKNOWN = "unknown", _("Not said")

    class AgeGroup(models.TextChoices):
        CHILD = "child", _("Child (under 18)")
        ADULT = "adult", _("Adult")
        UNKNOWN = "unknown", _("Not said")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True, default=new_reference)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    country = models.CharField(max_length=3)
    admin1_pcode = models.CharField(max_length=20, blank=True, default="")
    admin1_name = models.CharField(max_length=120, blank=True, default="")
    survivor_name = EncryptedTextField(blank=True, default="")
    survivor_contact = EncryptedTextField(blank=True, default="")
    survivor_details = EncryptedTextField(blank=True, default="")
    sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    age_group = models.CharField(max_length=8, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN)
    needs = models.JSONField(default=list)
    summary = EncryptedTextField(blank=True, default="")
    incidents = models.ManyToManyField("incidents.Incident", blank=True, related_name="cases")
    risk_level = models.CharField(max_length=8, choices=RiskLevel.choices, default=RiskLevel.NONE)
    # High/severe risk without a protective-measures plan: the protocol is not met.
    protocol_flag = models.BooleanField(default=False, db_index=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = version_field()  # one more at every change: the API's ETag

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.reference


class CaseNote(BaseNote):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")

    def __str__(self) -> str:
        return f"{self.case} note {self.at:%Y-%m-%d}"


class TimelineEntry(models.Model):
    """What happened to the case, in order; the text never holds survivor details."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(auto_now_add=True)
    username = models.CharField(max_length=150, blank=True, default="")
    organisation = models.CharField(max_length=40, blank=True, default="")
    kind = models.CharField(max_length=30)
    # The English message (``%(name)s`` placeholders) and its values, put into words in
    # the reader's language when shown; entries written before ``params`` hold the
    # finished text and no params.
    text = models.CharField(max_length=400, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"

    def shown(self) -> str:
        """The entry in the active language, codes in its values given as their labels."""
        if not self.params:
            return gettext(self.text)
        values = {name: _timeline_value(name, value) for name, value in self.params.items()}
        return gettext(self.text) % values


# Which vocabulary the codes of a timeline value belong to, by the value's name.
TIMELINE_VOCABULARIES = {
    "purpose": "consent_purpose",
    "scope": "share_field",
    "fields": "share_field",
    "measure": "measure_kind",
    "status": "measure_status",
    "answer": "referral_status",
    "level": "risk_level",
    "before": "risk_level",
    "after": "risk_level",
}


def _timeline_value(name: str, value: object) -> str:
    vocabulary = TIMELINE_VOCABULARIES.get(name)
    codes = value if isinstance(value, list) else [value]
    if vocabulary is None:
        return ", ".join(str(c) for c in codes)
    return ", ".join(registry.label(vocabulary, str(c)) for c in codes)
