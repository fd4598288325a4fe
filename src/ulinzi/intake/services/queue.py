"""Imports queued from the web: a previewed upload confirmed, queued, imported by the
worker (the same import as ``ulinzi import``), started again after a stop.

Confirming creates a queued :class:`ImportRun` and enqueues :func:`tasks.import_upload`,
whose body is :func:`execute`; the upload is deleted once the run is done or the file
proves unimportable."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ulinzi.accounts.access import Actor
from ulinzi.audit import services as audit
from ulinzi.common.problems import NotAllowed, NotFound
from ulinzi.intake import policies
from ulinzi.intake.imports import ImportBusy, ImportFailed, alive
from ulinzi.intake.models import ImportRun
from ulinzi.intake.services import staging
from ulinzi.intake.services.imports import run_import
from ulinzi.intake.services.staging import Upload
from ulinzi.intake.services.wording import upload_message
from ulinzi.intake.tasks import import_upload

log = logging.getLogger(__name__)


def confirm(*, actor: Actor, upload: Upload, apply_changes: bool = False) -> tuple[ImportRun, bool]:
    """Queue the import of a previewed upload; returns the run and whether it is new.
    ``apply_changes``: the user confirmed the rows that rewrite records already held.

    Confirming twice, or a file already queued or running for the organisation, gives
    the run that exists.
    """
    meta = upload.meta
    meta["apply_changes"] = "1" if apply_changes else ""
    if not meta.get("sha256"):
        raise NotFound(_("Preview the file before importing it."))
    if meta.get("run"):
        run = ImportRun.objects.filter(pk=meta["run"]).first()
        if run is not None:
            return run, False
    busy = ImportRun.objects.filter(
        organisation_id=meta["organisation"],
        file_sha256=meta["sha256"],
        status__in=(ImportRun.Status.QUEUED, ImportRun.Status.RUNNING),
    ).first()
    if busy is not None and (busy.status == ImportRun.Status.QUEUED or alive(busy)):
        staging.discard(upload)
        return busy, False
    organisation = upload.organisation
    with transaction.atomic():
        run = ImportRun.objects.create(
            organisation=organisation,
            file_name=str(meta["name"])[:255],
            file_sha256=meta["sha256"],
            file_size=int(meta.get("size") or 0),
            fmt=str(meta.get("fmt") or "")[:12],
            status=ImportRun.Status.QUEUED,
            options={"upload": _choices(meta)},
            requested_by_id=actor.user_id,
            upload=str(staging.FOLDER / upload.token),
        )
        run.task_id = str(import_upload.enqueue(run_id=run.pk).id)
        run.save(update_fields=["task_id"])
        audit.record(
            actor=actor,
            action="import",
            object_type="import_run",
            object_id=run.pk,
            owner_organisation=organisation.code,
            detail={"file": run.file_name, "format": run.fmt, "sha256": run.file_sha256},
        )
    meta["run"] = run.pk
    upload.save()
    return run, True


def _choices(meta: dict[str, Any]) -> dict[str, str]:
    keys = ("format", "domain", "encoding", "mapping_name", "dataset", "apply_changes")
    return {k: str(meta.get(k) or "") for k in keys}


def can_retry(run: ImportRun) -> bool:
    """A run whose file is still here and that stopped without finishing."""
    if not run.upload or run.status == ImportRun.Status.DONE:
        return False
    if run.status == ImportRun.Status.RUNNING:
        return not alive(run)
    return run.status == ImportRun.Status.FAILED


def retry(*, actor: Actor, run: ImportRun) -> None:
    """Queue a run again (it resumes from its checkpoint)."""
    if not policies.can_view_run(actor, run):
        raise NotAllowed(_("Your roles do not allow importing incidents for this organisation."))
    if not can_retry(run):
        raise NotFound(_("This import cannot be started again."))
    run.status, run.message = ImportRun.Status.QUEUED, ""
    run.task_id = str(import_upload.enqueue(run_id=run.pk).id)
    run.save(update_fields=["status", "message", "task_id"])


def execute(run_id: int) -> dict[str, Any]:
    """Import the upload of a queued run (the body of the worker's task)."""
    run = ImportRun.objects.select_related("organisation").filter(pk=run_id).first()
    if run is None or run.status == ImportRun.Status.DONE:
        return {"run": run_id, "status": "gone" if run is None else run.status}
    upload = staging.read(Path(settings.DATA_DIR) / run.upload) if run.upload else None
    if upload is None:
        _failed(run, "The uploaded file is no longer there: upload it again.")
        return {"run": run_id, "status": "failed"}
    choices = run.options.get("upload") or {}
    try:
        result = run_import(
            path=upload.file,
            organisation=run.organisation,
            fmt=choices.get("format") or "auto",
            mapping=upload.mapping,
            domain=choices.get("domain") or None,
            encoding=choices.get("encoding") or None,
            progress=False,
            run_id=run.pk,
            dataset=choices.get("dataset") or None,
            apply_changes=choices.get("apply_changes") == "1",
        )
    except ImportBusy:
        return {"run": run_id, "status": "busy"}
    except ImportFailed as exc:
        _failed(run, upload_message(upload, exc))
        staging.delete(upload, run)
        return {"run": run_id, "status": "failed"}
    except Exception:
        log.exception("import run %s stopped", run_id)
        _failed(run, "The import stopped on an unexpected error (see the worker's log).")
        raise
    staging.delete(upload, run)
    return {"run": run_id, "status": "done", "rows": result.rows, "rejected": result.rejected}


def _failed(run: ImportRun, message: str) -> None:
    ImportRun.objects.filter(pk=run.pk).exclude(status=ImportRun.Status.DONE).update(
        status=ImportRun.Status.FAILED, message=message, finished_at=timezone.now()
    )
