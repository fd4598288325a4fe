"""Imports from the web: a file uploaded, previewed, then imported by the task worker.

An upload is kept under ``$ULINZI_DATA_DIR/imports/uploads/<token>/`` (folders 0700,
files 0600; nothing there is served): ``meta.json`` (who, for which organisation, the
choices made), ``mapping.json`` when a mapping was given, and ``file/<name>``, the file
itself, encrypted (:mod:`ulinzi.common.encrypted_files`; the importer reads it
decrypted, chunk by chunk). The token
is random and only its uploader may preview, confirm or discard it. Confirming creates a
queued :class:`ImportRun` and enqueues :func:`tasks.import_upload`, which runs the same
import as ``ulinzi import`` and deletes the upload once the run is done or the file
proves unimportable. Uploads never confirmed, and those of runs stopped otherwise (kept
so that they can be started again), are deleted after a day.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation
from ulinzi.audit import services as audit
from ulinzi.common import encrypted_files, safecsv
from ulinzi.common.problems import NotAllowed, NotFound
from ulinzi.intake import policies
from ulinzi.intake import rejects as rejectlog
from ulinzi.intake.imports import ImportBusy, ImportFailed, _alive, run_import
from ulinzi.intake.models import ImportRun
from ulinzi.intake.preview import Preview, preview_file
from ulinzi.intake.tasks import import_upload

log = logging.getLogger(__name__)

FOLDER = Path("imports") / "uploads"
TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")
KEEP_UNCONFIRMED = timedelta(days=1)
FINISHED = (ImportRun.Status.DONE, ImportRun.Status.FAILED)
# The command line's words in the importer's messages, as the upload form names them.
WEB_WORDS = (
    ("use --format xlsx or auto", "choose the format XLSX or automatic"),
    ("name its encoding with --encoding", "choose its text encoding"),
    ("pass --domain", "choose a domain"),
    ("--encoding", "the text encoding"),
    ("--org", "the organisation"),
)


@dataclass
class Upload:
    """A stored upload: its folder and what was chosen for it."""

    token: str
    folder: Path
    meta: dict[str, Any]

    @property
    def file(self) -> Path:
        return self.folder / "file" / str(self.meta["name"])

    @property
    def mapping(self) -> Path | None:
        return self.folder / "mapping.json" if self.meta.get("mapping_name") else None

    def save(self) -> None:
        _write_private(self.folder / "meta.json", json.dumps(self.meta).encode())


def web_message(message: str) -> str:
    """The importer's message, with the command line's option names put as the upload
    form names them."""
    for cli, web in WEB_WORDS:
        message = message.replace(cli, web)
    return message


def _message(upload: Upload, exc: Exception) -> str:
    """The importer's message about an upload, naming files as the user knows them."""
    message = str(exc)
    if upload.mapping is not None:
        message = message.replace(str(upload.mapping), str(upload.meta.get("mapping_name")))
    return web_message(message.replace(str(upload.folder) + "/file/", ""))


def _root() -> Path:
    root = Path(settings.DATA_DIR) / FOLDER
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    return root


def _write_private(path: Path, data: bytes | Iterator[bytes]) -> None:
    """Write a file only its owner can read (0600), replacing any earlier one."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        if isinstance(data, bytes):
            fh.write(data)
        else:
            for chunk in data:
                fh.write(chunk)


def safe_name(name: str) -> str:
    """The uploaded file's own name, reduced to harmless characters (its extension kept)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[^\w.\- ]", "_", base).strip(" .")
    if len(base) > 120:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 110 - len(ext)] + dot + ext) if dot and len(ext) <= 8 else base[:120]
    return base or "upload"


def stage(
    *,
    actor: Actor,
    organisation: Organisation,
    file: UploadedFile,
    fmt: str = "auto",
    mapping: UploadedFile | None = None,
    domain: str = "",
    encoding: str = "",
    dataset: str = "",
) -> Upload:
    """Keep an uploaded file (and its mapping) privately until it is confirmed."""
    if organisation.pk not in policies.import_orgs(actor):
        raise NotAllowed(_("Your roles do not allow importing incidents for this organisation."))
    sweep()
    token = secrets.token_urlsafe(16)
    folder = _root() / token
    folder.mkdir(mode=0o700)
    (folder / "file").mkdir(mode=0o700)
    upload = Upload(
        token,
        folder,
        {
            "user": actor.user_id,
            "organisation": organisation.pk,
            "name": safe_name(file.name or ""),
            "format": fmt,
            "domain": domain,
            "encoding": encoding,
            "dataset": dataset,
            "mapping_name": safe_name(mapping.name or "") if mapping is not None else "",
            "staged_at": timezone.now().isoformat(),
            "run": None,
        },
    )
    encrypted_files.write(upload.file, file.chunks())
    if mapping is not None and upload.mapping is not None:
        _write_private(upload.mapping, iter(mapping.chunks()))
    upload.save()
    return upload


def _read(folder: Path) -> Upload | None:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Upload(folder.name, folder, meta) if isinstance(meta, dict) else None


def get(actor: Actor, token: str) -> Upload:
    """The actor's own upload ``token`` (NotFound for anything else)."""
    if not TOKEN.fullmatch(token or ""):
        raise NotFound(_("No such upload."))
    upload = _read(_root() / token)
    if upload is None or upload.meta.get("user") != actor.user_id:
        raise NotFound(_("No such upload: it was imported, discarded or has expired."))
    if upload.meta.get("organisation") not in policies.import_orgs(actor):
        raise NotAllowed(_("Your roles do not allow importing incidents for this organisation."))
    return upload


def preview(upload: Upload) -> Preview:
    """The preview of an upload; remembers what the file is for :func:`confirm`.

    Raises :class:`ImportFailed` with a message for the web when it cannot be imported.
    """
    meta = upload.meta
    try:
        result = preview_file(
            organisation_id=int(meta["organisation"]),
            path=upload.file,
            fmt=str(meta.get("format") or "auto"),
            mapping=upload.mapping,
            domain=meta.get("domain") or None,
            encoding=meta.get("encoding") or None,
            dataset=meta.get("dataset") or None,
        )
    except ImportFailed as exc:
        raise ImportFailed(_message(upload, exc)) from exc
    meta.update(sha256=result.sha256, size=result.size, fmt=result.fmt)
    upload.save()
    return result


def earlier_runs(upload: Upload) -> list[ImportRun]:
    """Runs of this very file for the same organisation, newest first."""
    if not upload.meta.get("sha256"):
        return []
    return list(
        ImportRun.objects.filter(
            organisation_id=upload.meta["organisation"], file_sha256=upload.meta["sha256"]
        ).order_by("-pk")[:5]
    )


def discard(upload: Upload) -> None:
    if upload.meta.get("run") is None:
        shutil.rmtree(upload.folder, ignore_errors=True)


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
    if busy is not None and (busy.status == ImportRun.Status.QUEUED or _alive(busy)):
        discard(upload)
        return busy, False
    organisation = Organisation.objects.get(pk=meta["organisation"])
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
            upload=str(FOLDER / upload.token),
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
        return not _alive(run)
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
    upload = _read(Path(settings.DATA_DIR) / run.upload) if run.upload else None
    if upload is None:
        _failed(run, "The uploaded file is no longer there: upload it again.")
        return {"run": run_id, "status": "failed"}
    choices = run.options.get("upload") or {}
    try:
        result = run_import(
            path=upload.file,
            organisation=run.organisation.code,
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
        _failed(run, _message(upload, exc))
        _delete_upload(run, upload)
        return {"run": run_id, "status": "failed"}
    except Exception:
        log.exception("import run %s stopped", run_id)
        _failed(run, "The import stopped on an unexpected error (see the worker's log).")
        raise
    _delete_upload(run, upload)
    return {"run": run_id, "status": "done", "rows": result.rows, "rejected": result.rejected}


def _failed(run: ImportRun, message: str) -> None:
    ImportRun.objects.filter(pk=run.pk).exclude(status=ImportRun.Status.DONE).update(
        status=ImportRun.Status.FAILED, message=message, finished_at=timezone.now()
    )


def _delete_upload(run: ImportRun, upload: Upload) -> None:
    shutil.rmtree(upload.folder, ignore_errors=True)
    ImportRun.objects.filter(pk=run.pk).update(upload="")


def sweep(now: datetime | None = None) -> int:
    """Delete uploads never confirmed within a day, those of runs done, and those of
    runs that failed or stopped more than a day ago (until then they can be started
    again)."""
    now = now or timezone.now()
    removed = 0
    for folder in _root().iterdir():
        upload = _read(folder) if folder.is_dir() else None
        if upload is None:
            continue
        run_id = upload.meta.get("run")
        if run_id is None:
            staged = datetime.fromisoformat(str(upload.meta.get("staged_at")))
            stale = now - staged > KEEP_UNCONFIRMED
        else:
            run = ImportRun.objects.filter(pk=run_id).first()
            stale = run is None or run.status == ImportRun.Status.DONE
            if run is not None and run.status == ImportRun.Status.FAILED:
                stale = run.finished_at is None or now - run.finished_at > KEEP_UNCONFIRMED
            elif run is not None and run.status == ImportRun.Status.RUNNING:
                last = run.checkpoint_at or run.started_at
                stale = now - last > KEEP_UNCONFIRMED and not _alive(run)
        if stale:
            shutil.rmtree(folder, ignore_errors=True)
            if run_id is not None:
                ImportRun.objects.filter(pk=run_id).update(upload="")
            removed += 1
    return removed


def rejects_csv(run: ImportRun) -> Iterator[str]:
    """The run's rejected rows as CSV lines (row, column, value, reason), formulas made
    inert, as in the command line's CSV."""
    buffer = io.StringIO()
    writer = safecsv.Writer(buffer)
    writer.writerow(rejectlog.HEADER)
    for reject in rejectlog.stored(run):
        writer.writerow(rejectlog.csv_row(reject))
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
