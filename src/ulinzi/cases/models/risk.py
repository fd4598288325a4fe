"""Risk instruments (versioned data) and the assessments made with them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext

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

    @property
    def title(self) -> str:
        """The name in the reader's language."""
        return gettext(self.name)

    def in_words(self) -> dict[str, Any]:
        """The definition with its description, questions and options in the reader's
        language (the texts are in the project catalogue: ``cases/instruments/texts.py``)."""
        d = self.definition
        return {
            **d,
            "name": gettext(d["name"]),
            "description": gettext(d.get("description", "")) if d.get("description") else "",
            "questions": [
                {
                    **q,
                    "text": gettext(q["text"]),
                    "options": [{**o, "label": gettext(o["label"])} for o in q.get("options", [])],
                }
                for q in d["questions"]
            ],
        }


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
