"""Uploads from the web, staged until they are confirmed or discarded.

An upload is kept under ``$ULINZI_DATA_DIR/imports/uploads/<token>/`` (folders 0700,
files 0600; nothing there is served): ``meta.json`` (who, for which organisation, the
choices made), ``mapping.json`` when a mapping was given, and ``file/<name>``, the file
itself, encrypted (:mod:`ulinzi.common.encrypted_files`; the importer reads it
decrypted, chunk by chunk). The token is random and only its uploader may preview,
confirm or discard it. Uploads never confirmed, and those of runs stopped otherwise (kept
so that they can be started again), are deleted after a day.
"""

from __future__ import annotations

import json
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
from django.utils import timezone
from django.utils.translation import gettext as _

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation
from ulinzi.common import encrypted_files
from ulinzi.common.problems import NotAllowed, NotFound
from ulinzi.intake import policies
from ulinzi.intake.imports import alive
from ulinzi.intake.models import ImportRun

FOLDER = Path("imports") / "uploads"
TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")
KEEP_UNCONFIRMED = timedelta(days=1)


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

    @property
    def organisation(self) -> Organisation:
        return Organisation.objects.get(pk=self.meta["organisation"])


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


def read(folder: Path) -> Upload | None:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Upload(folder.name, folder, meta) if isinstance(meta, dict) else None


def get(actor: Actor, token: str) -> Upload:
    """The actor's own upload ``token`` (NotFound for anything else)."""
    if not TOKEN.fullmatch(token or ""):
        raise NotFound(_("No such upload."))
    upload = read(_root() / token)
    if upload is None or upload.meta.get("user") != actor.user_id:
        raise NotFound(_("No such upload: it was imported, discarded or has expired."))
    if upload.meta.get("organisation") not in policies.import_orgs(actor):
        raise NotAllowed(_("Your roles do not allow importing incidents for this organisation."))
    return upload


def discard(upload: Upload) -> None:
    """Delete an upload that no run uses."""
    if upload.meta.get("run") is None:
        shutil.rmtree(upload.folder, ignore_errors=True)


def delete(upload: Upload, run: ImportRun) -> None:
    """Delete the upload of ``run`` (done, or its file unimportable)."""
    shutil.rmtree(upload.folder, ignore_errors=True)
    ImportRun.objects.filter(pk=run.pk).update(upload="")


def earlier_runs(upload: Upload) -> list[ImportRun]:
    """Runs of this very file for the same organisation, newest first."""
    if not upload.meta.get("sha256"):
        return []
    return list(
        ImportRun.objects.filter(
            organisation_id=upload.meta["organisation"], file_sha256=upload.meta["sha256"]
        ).order_by("-pk")[:5]
    )


def sweep(now: datetime | None = None) -> int:
    """Delete uploads never confirmed within a day, those of runs done, and those of
    runs that failed or stopped more than a day ago (until then they can be started
    again)."""
    now = now or timezone.now()
    removed = 0
    for folder in _root().iterdir():
        upload = read(folder) if folder.is_dir() else None
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
                stale = now - last > KEEP_UNCONFIRMED and not alive(run)
        if stale:
            shutil.rmtree(folder, ignore_errors=True)
            if run_id is not None:
                ImportRun.objects.filter(pk=run_id).update(upload="")
            removed += 1
    return removed
