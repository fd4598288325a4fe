"""A service an organisation publishes, and the areas it covers."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from ulinzi.accounts.models import Organisation


class ServiceKind(models.TextChoices):
    """The needs a referral pathway answers (one kind per published service)."""

    HEALTH = "health", _("Health care")
    CMR = "clinical_management_of_rape", _("Clinical management of rape")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    LEGAL_AID = "legal_aid", _("Legal aid")
    SAFETY = "safety_shelter", _("Safety and shelter")
    POLICE = "police_justice", _("Police and justice")
    LIVELIHOODS = "livelihoods", _("Livelihoods")
    CHILD_PROTECTION = "child_protection", _("Child protection")


class Coverage(models.TextChoices):
    """How near a service's coverage is to the survivor's area, nearest first."""

    ADMIN1 = "admin1", _("In this area")
    COUNTRY = "country", _("Country-wide")
    SAME_COUNTRY = "same_country", _("Elsewhere in the country")
    ELSEWHERE = "elsewhere", _("Elsewhere")


class Service(models.Model):
    """One service of one organisation; ``accepts_referrals`` means it answers referrals
    sent through Ulinzi (others are listed for information, with their contact)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, choices=ServiceKind.choices, db_index=True)
    description = models.TextField(blank=True, default="")
    languages = models.JSONField(default=list)
    hours = models.CharField(max_length=200, blank=True, default="")
    contact = models.CharField(max_length=300, blank=True, default="")
    accepts_referrals = models.BooleanField(default=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.code})"


class ServiceArea(models.Model):
    """A country, or one first-level area of it, that a service covers."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="areas")
    country = models.CharField(max_length=3)
    admin1_pcode = models.CharField(max_length=20, blank=True, default="")
    admin1_name = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        ordering = ["country", "admin1_pcode", "admin1_name"]
        indexes = [models.Index(fields=["country", "admin1_pcode"])]

    def __str__(self) -> str:
        return f"{self.country} {self.admin1_pcode or self.admin1_name or '*'}"

    @property
    def whole_country(self) -> bool:
        return not self.admin1_pcode and not self.admin1_name
