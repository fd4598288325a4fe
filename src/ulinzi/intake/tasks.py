"""Background imports (Django Tasks API, database backend; run by ``ulinzi worker``)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def import_upload(run_id: int) -> dict[str, Any]:
    """Import the file uploaded for a queued run; the run's row shows its progress."""
    from ulinzi.intake import services

    return services.execute(run_id)
