"""Consent: per purpose and per recipient organisation, with a scope of fields."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ulinzi.accounts.models import Organisation
from ulinzi.cases.models.case import Case
from ulinzi.common.fields import EncryptedTextField


class Purpose(models.TextChoices):
    REFERRAL = "referral", _("Referral to a service")
    PROTECTION = "protection", _("Protective measures by another agency")
    COORDINATION = "coordination", _("Case coordination between agencies")


class ShareField(models.TextChoices):
    """What a consent may let another organisation see."""

    NEEDS = "needs", _("Needs")
    SEX_AGE = "sex_age", _("Sex and age group")
    AREA = "area", _("Area")
    RISK_LEVEL = "risk_level", _("Risk level")
    SUMMARY = "summary", _("Summary of what happened")
    SURVIVOR_NAME = "survivor_name", _("Name")
    SURVIVOR_CONTACT = "survivor_contact", _("Contact details")
    SURVIVOR_DETAILS = "survivor_details", _("Other identifying details")


class GivenBy(models.TextChoices):
    SURVIVOR = "survivor", _("The survivor")
    GUARDIAN = "guardian", _("Parent or legal guardian")
    CAREGIVER = "caregiver", _("Trusted caregiver")


class Consent(models.Model):
    """A consent in force lets ``recipient`` see the fields in ``scope`` for ``purpose``.
    A withdrawal stops sharing at once; the record stays, with when and who."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    recipient = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    scope = models.JSONField(default=list)
    given_by = models.CharField(max_length=10, choices=GivenBy.choices, default=GivenBy.SURVIVOR)
    given_by_name = EncryptedTextField(blank=True, default="")
    given_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = EncryptedTextField(blank=True, default="")  # at most 300 characters
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawal_note = EncryptedTextField(blank=True, default="")  # at most 300

    class Meta:
        ordering = ["given_at", "id"]
        indexes = [models.Index(fields=["case", "purpose", "recipient"])]

    def __str__(self) -> str:
        return f"{self.case} {self.purpose} → {self.recipient}"

    @property
    def in_force(self) -> bool:
        return self.withdrawn_at is None
