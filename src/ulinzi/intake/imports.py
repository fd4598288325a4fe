"""Open a file for import, and keep its run: started, claimed, resumed or failed. The
import itself runs from :func:`ulinzi.intake.services.run_import`, which streams the rows,
validates each and writes them in batches.

Every data row ends up counted once: created, updated, unchanged, rejected (with row,
column, value and reason) or blank. Batches commit with the run's checkpoint
(:class:`ImportRun`), so an import killed at any point resumes where it stopped when
the same file is imported again for the same organisation, or re-runs to the same
final state: source ids make re-imports idempotent.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from ulinzi.accounts.models import Organisation
from ulinzi.intake import datasets, readers
from ulinzi.intake import rejects as rejectlog
from ulinzi.intake.formats import container_for, open_plan
from ulinzi.intake.formats.base import Plan, UnusableHeader
from ulinzi.intake.formats.mapped import Mapping, MappingError, load_mapping
from ulinzi.intake.models import ImportRun
from ulinzi.intake.store import Held

STALE_AFTER = timedelta(minutes=15)


class ImportFailed(Exception):
    """The import could not start or go on (message for the user, no traceback)."""


class ImportBusy(ImportFailed):
    """A live process is importing that very run already."""


@dataclass
class ImportResult:
    fmt: str
    run_id: int | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    blank: int = 0
    seconds: float = 0.0
    resumed: bool = False
    dry_run: bool = False
    rejects_path: Path | None = None
    rejects_sample: list[rejectlog.Reject] = field(default_factory=list)
    plan: list[str] = field(default_factory=list)
    # Values left out of kept rows: (column, value, reason) → number of rows.
    kept: dict[tuple[str, str, str], int] = field(default_factory=dict)
    dataset: str = ""
    # Rows held back: they would change their record's domain or many of its fields.
    held: int = 0
    held_sample: list[Held] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class Opened:
    """A file opened for import: its mapping, what it is, its reader and its plan."""

    spec: Mapping
    info: readers.FileInfo
    source: readers.Source
    plan: Plan
    rows: Iterator[Any]
    first_row: int


def open_import(
    *,
    path: Path | str,
    fmt: str = "auto",
    mapping: Path | str | None = None,
    domain: str | None = None,
    encoding: str | None = None,
    dataset: str | None = None,
) -> Opened:
    """Check and open ``path``, read its header and choose the plan (the caller closes
    ``opened.source``); a file that cannot be imported raises :class:`ImportFailed`."""
    try:
        given = datasets.clean(dataset)
    except ValueError as exc:
        raise ImportFailed(f"--dataset: {exc}") from exc
    try:
        spec = load_mapping(Path(mapping) if mapping else None)
        info = readers.inspect(Path(path), container_for(fmt), encoding)
        source = readers.open_source(info, spec.sheet)
    except (readers.UnreadableFile, MappingError) as exc:
        raise ImportFailed(str(exc)) from exc
    try:
        plan, rows, first_row = open_plan(source, info.container, fmt, spec, domain)
    except (UnusableHeader, readers.UnreadableFile) as exc:
        source.close()
        raise ImportFailed(f"{info.path.name}: {exc}") from exc
    plan.text_rows = info.container == "csv"
    datasets.apply(plan, given)
    return Opened(spec, info, source, plan, rows, first_row)


def alive(run: ImportRun) -> bool:
    """Whether the process that holds ``run`` may still be working on it."""
    if run.host == socket.gethostname() and run.pid:
        if run.pid == os.getpid():
            return False
        try:
            os.kill(run.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    last = run.checkpoint_at or run.started_at
    return timezone.now() - last < STALE_AFTER


def start_run(
    org: Organisation, info: readers.FileInfo, fmt: str, options: dict[str, Any]
) -> ImportRun:
    """Resume the unfinished run of this very file, or start a new one."""
    for run in ImportRun.objects.filter(
        organisation=org, file_sha256=info.sha256, fmt=fmt, status=ImportRun.Status.RUNNING
    ).order_by("-pk"):
        if run.options != options:
            continue
        if alive(run):
            raise ImportFailed(
                f"{info.path.name} is being imported for {org.code} by process {run.pid} "
                f"on {run.host} (import run {run.pk}); wait for it to finish"
            )
        run.pid, run.host, run.resumed = os.getpid(), socket.gethostname(), run.resumed + 1
        run.save(update_fields=["pid", "host", "resumed"])
        return run
    return ImportRun.objects.create(
        organisation=org,
        file_name=info.path.name[:255],
        file_sha256=info.sha256,
        file_size=info.size,
        fmt=fmt,
        options=options,
        pid=os.getpid(),
        host=socket.gethostname(),
    )


def claim_run(
    run_id: int, org: Organisation, info: readers.FileInfo, fmt: str, options: dict[str, Any]
) -> ImportRun:
    """Take the run created beforehand for this file (queued, or left unfinished)."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id, organisation=org).first()
        if run is None:
            raise ImportFailed(f"no import run {run_id} for {org.code}")
        if run.status == ImportRun.Status.DONE:
            raise ImportFailed(f"import run {run.pk} has already finished")
        if run.file_sha256 and run.file_sha256 != info.sha256:
            raise ImportFailed(f"{info.path.name} is not the file import run {run.pk} was made for")
        if run.status == ImportRun.Status.RUNNING and alive(run):
            raise ImportBusy(
                f"import run {run.pk} is being imported by process {run.pid} on {run.host}"
            )
        run.resumed += 1 if run.rows_done else 0
        run.status, run.message, run.finished_at = ImportRun.Status.RUNNING, "", None
        run.pid, run.host = os.getpid(), socket.gethostname()
        run.fmt, run.file_sha256, run.file_size = fmt, info.sha256, info.size
        run.options = {**run.options, **options}
        run.save()
    return run


def fail_run(run: ImportRun | None, message: str) -> None:
    if run is not None:
        run.status, run.message = ImportRun.Status.FAILED, message
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "message", "finished_at"])
