"""A stored export made from the web page: its parameters, disclosure report and file."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models


def exports_dir() -> Path:
    path = Path(settings.DATA_DIR) / "exports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


class Export(models.Model):
    """One export file kept for its author to download (the audit log keeps the fact)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    format = models.CharField(max_length=10)
    level = models.CharField(max_length=10)
    k = models.PositiveIntegerField(default=5)
    filters = models.JSONField(default=dict)
    report = models.JSONField(default=dict)
    filename = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.format} {self.level} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def path(self) -> Path:
        return exports_dir() / f"{self.id}.{self.filename.rsplit('.', 1)[-1]}"

    @property
    def report_path(self) -> Path:
        return exports_dir() / f"{self.id}.disclosure.json"
