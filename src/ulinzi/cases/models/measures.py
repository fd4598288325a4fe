"""Protective measures of a high-risk case, and violations of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ulinzi.accounts.models import Organisation
from ulinzi.cases.models.case import Case
from ulinzi.common.fields import EncryptedTextField
from ulinzi.common.versioning import version_field


class MeasureKind(models.TextChoices):
    PROTECTION_ORDER = "protection_order", _("Protection order")
    SAFE_SHELTER = "safe_shelter", _("Safe shelter")
    POLICE_PATROL = "police_patrol", _("Police patrol")
    RELOCATION = "relocation", _("Relocation")
    FACILITY_SECURITY = "facility_security_upgrade", _("Security upgrade at a facility")
    ESCORT = "escort", _("Accompaniment or escort")
    SAFETY_PLAN = "safety_plan", _("Personal safety plan")
    OTHER = "other", _("Other")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("In force")
    ENDED = "ended", _("Ended")
    CANCELLED = "cancelled", _("Cancelled")


PLAN_STATUSES = (MeasureStatus.PLANNED, MeasureStatus.ACTIVE)


class ProtectiveMeasure(models.Model):
    """``owner`` is the agency that carries the measure out; it sees this measure and
    its violations in the shared protocol view (with a consent for other agencies)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(max_length=30, choices=MeasureKind.choices)
    description = EncryptedTextField(blank=True, default="")
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="measures")
    owner_contact = models.CharField(max_length=200, blank=True, default="")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()  # one more at every change: the API's ETag

    class Meta:
        ordering = ["starts_on", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"


class Violation(models.Model):
    measure = models.ForeignKey(
        ProtectiveMeasure, on_delete=models.CASCADE, related_name="violations"
    )
    occurred_on = models.DateField()
    description = EncryptedTextField(blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    level_before = models.CharField(max_length=8)
    level_after = models.CharField(max_length=8)

    class Meta:
        ordering = ["occurred_on", "id"]

    def __str__(self) -> str:
        return f"{self.measure} violated {self.occurred_on}"
