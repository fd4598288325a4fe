"""The heartbeat of each running ``ulinzi worker``, so pages that wait on background work
can say when none is running."""

from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    """One running worker: written when it starts, renewed every few seconds while it
    lives (even in the middle of a long task), removed when it stops."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id} (pid {self.pid} on {self.host})"
