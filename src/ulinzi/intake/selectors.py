"""Import runs as the acting user may see them (their organisations' runs only)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ulinzi.accounts.access import Actor
from ulinzi.common.problems import NotAllowed, NotFound
from ulinzi.intake import policies
from ulinzi.intake.models import ImportRun


def runs(actor: Actor) -> QuerySet[ImportRun]:
    """Runs of the organisations the actor imports for, newest first."""
    if not policies.can_import(actor):
        raise NotAllowed(_("Your roles do not allow importing incidents."))
    return (
        ImportRun.objects.filter(organisation_id__in=policies.import_orgs(actor))
        .select_related("organisation", "requested_by")
        .order_by("-pk")
    )


def run(actor: Actor, run_id: int) -> ImportRun:
    """One run (NotAllowed without an import role; NotFound for another organisation's)."""
    found = runs(actor).filter(pk=run_id).first()
    if found is None:
        raise NotFound(_("No such import run."))
    return found


def progress(run: ImportRun) -> dict[str, Any]:
    """What the run's page shows, as JSON (polled while the run goes on)."""
    percent = None
    if run.status == ImportRun.Status.DONE:
        percent = 100
    elif run.read_total:
        percent = min(100, int(run.read_position * 100 / run.read_total))
    return {
        "id": run.pk,
        "status": run.status,
        "status_label": str(ImportRun.Status(run.status).label),
        "finished": run.status in (ImportRun.Status.DONE, ImportRun.Status.FAILED),
        "percent": percent,
        "rows_done": run.rows_done,
        "imported": run.created + run.updated + run.unchanged,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "rejected": run.rejected,
        "blank": run.blank,
        "held": run.held,
        "message": run.message,
    }
