"""In-app notifications, and who coordinates which area."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ulinzi.accounts.models import Organisation


class Notification(models.Model):
    """A message in one user's inbox; its text names a reference, never a person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_notifications"
    )
    kind = models.CharField(max_length=30)
    title = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title}"


class AreaCoordinator(models.Model):
    """A coordinator of ``organisation`` responsible for a country or one admin1 area
    of it (blank P-code: the whole country). Without any, every coordinator of the
    case's organisation is notified."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    country = models.CharField(max_length=3)
    admin1_pcode = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "country", "admin1_pcode"],
                name="unique_area_coordinator",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.country} {self.admin1_pcode or '*'}"
