"""Import runs: one row per attempt to import a file, kept as its checkpoint.

A run commits its rows in batches; each batch's incidents, rejects and the run's
counters (``rows_done`` and the counts) are written in one transaction, so a run killed
at any moment leaves a consistent checkpoint that the next run of the same file resumes.
A run started from the web is ``queued`` until the worker takes it; ``read_position``
of ``read_total`` (bytes of a text file, rows of a workbook) is how far its reader is.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ulinzi.accounts.models import Organisation
from ulinzi.common.fields import EncryptedTextField


class ImportRun(models.Model):
    """One import of one file for one organisation."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="import_runs"
    )
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    file_size = models.BigIntegerField(default=0)
    fmt = models.CharField(max_length=12)
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    message = models.TextField(blank=True, default="")
    pid = models.IntegerField(null=True, blank=True)
    host = models.CharField(max_length=255, blank=True, default="")
    resumed = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    blank = models.PositiveIntegerField(default=0)
    # Rows not applied: they would change their record's domain or many of its fields
    # (applied when the import is confirmed with the changes).
    held = models.PositiveIntegerField(default=0)
    read_position = models.BigIntegerField(default=0)
    read_total = models.BigIntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    upload = models.CharField(max_length=500, blank=True, default="")  # under DATA_DIR
    task_id = models.CharField(max_length=64, blank=True, default="")
    started_at = models.DateTimeField(auto_now_add=True)
    checkpoint_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["organisation", "file_sha256", "status"])]

    def __str__(self) -> str:
        return f"import {self.pk} {self.file_name} ({self.status})"


class ImportReject(models.Model):
    """A source row that was not imported, and why (one row per problem)."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejects")
    row = models.PositiveIntegerField()
    column = models.CharField(max_length=255, blank=True, default="")
    # The partner's own data (a reason may quote a value): encrypted at rest.
    value = EncryptedTextField(blank=True, default="")
    reason = EncryptedTextField()

    class Meta:
        ordering = ["run", "row", "id"]

    def __str__(self) -> str:
        return f"row {self.row} {self.column}: {self.reason}"
