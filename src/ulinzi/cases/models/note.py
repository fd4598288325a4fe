"""What case notes and complaint notes share."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ulinzi.common.fields import EncryptedTextField


class BaseNote(models.Model):
    """An internal note: its author (kept as empty if the account goes), the body
    encrypted, and when it was written; oldest first."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = EncryptedTextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]
