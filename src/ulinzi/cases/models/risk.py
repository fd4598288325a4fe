"""Risk instruments (versioned data) and the assessments made with them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ulinzi.cases.models.case import Case, RiskLevel
from ulinzi.common.fields import EncryptedTextField


class Instrument(models.Model):
    """One version of a questionnaire, as loaded from ``cases/instruments/*.json``."""

    code = models.SlugField(max_length=40)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    definition = models.JSONField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_instrument_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class RiskAssessment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)
    score = models.IntegerField()
    level = models.CharField(max_length=8, choices=RiskLevel.choices)
    triggered_protocol = models.BooleanField(default=False)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField(auto_now_add=True)
    note = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} {self.level} ({self.score})"
