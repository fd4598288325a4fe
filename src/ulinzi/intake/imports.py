"""Import a file of incidents: stream its rows, validate each, write in batches.

Every data row ends up counted once: created, updated, unchanged, rejected (with row,
column, value and reason) or blank. Batches commit with the run's checkpoint
(:class:`ImportRun`), so an import killed at any point resumes where it stopped when
the same file is imported again for the same organisation, or re-runs to the same
final state: source ids make re-imports idempotent.
"""

from __future__ import annotations

import os
import socket
import time
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
from ulinzi.intake.bulk import import_session
from ulinzi.intake.formats import container_for, open_plan
from ulinzi.intake.formats.base import Plan, UnusableHeader
from ulinzi.intake.formats.mapped import Mapping, MappingError, load_mapping
from ulinzi.intake.models import ImportRun
from ulinzi.intake.pipeline import Pipeline
from ulinzi.intake.progress import Progress
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


def run_import(
    *,
    path: Path | str,
    organisation: str,
    fmt: str = "auto",
    mapping: Path | str | None = None,
    domain: str | None = None,
    dry_run: bool = False,
    progress: bool = True,
    encoding: str | None = None,
    batch_size: int = 5000,
    run_id: int | None = None,
    dataset: str | None = None,
    apply_changes: bool = False,
) -> ImportResult:
    """Import ``path`` for the organisation with code ``organisation``.

    ``run_id`` names a run created beforehand (an upload from the web, queued): that run
    is the one used, resumed from its checkpoint if it has one. ``dataset`` names the
    organisation's dataset the rows belong to (default: the file's family, see
    :mod:`ulinzi.intake.datasets`). A row that would change its record's domain or many
    of its fields is held, not applied, unless ``apply_changes`` confirms it.
    """
    org = Organisation.objects.filter(code=organisation).first()
    if org is None:
        raise ImportFailed(f"no organisation with code {organisation!r}")
    started = time.perf_counter()
    opened = open_import(
        path=path, fmt=fmt, mapping=mapping, domain=domain, encoding=encoding, dataset=dataset
    )
    info, plan, source = opened.info, opened.plan, opened.source
    try:
        options = {
            "mapping": opened.spec.as_json(),
            "domain": domain,
            "encoding": info.encoding,
            "dataset": plan.dataset,
            "apply_changes": apply_changes,
        }
        run = None
        if run_id is not None and not dry_run:
            run = _claim_run(run_id, org, info, plan.fmt, options)
        elif not dry_run:
            run = _start_run(org, info, plan.fmt, options)
        result = ImportResult(
            fmt=plan.fmt, plan=plan.describe(), dry_run=dry_run, dataset=plan.dataset
        )
        result.run_id = run.pk if run else None
        result.resumed = bool(run and run.rows_done)
        log = None
        if dry_run:
            log = rejectlog.CsvLog(rejectlog.csv_path("dry-run", info.path))
        bar = Progress(source, enabled=progress, label=info.path.name, run=run)
        pipeline = Pipeline(
            org.pk, plan, run, batch_size, bar, log, opened.first_row, apply_changes=apply_changes
        )
        try:
            with import_session():
                counts = pipeline.run(opened.rows)
        except readers.UnreadableFile as exc:
            _fail(run, str(exc))
            raise ImportFailed(f"{info.path.name}: {exc}") from exc
        finally:
            bar.close()
            if log is not None:
                log.close()
    finally:
        source.close()
    if run is not None:
        run.status = ImportRun.Status.DONE
        run.finished_at = timezone.now()
        if source.total is not None:
            run.read_position = run.read_total = source.total
        run.save(update_fields=["status", "finished_at", "read_position", "read_total"])
        result.rejects_path = rejectlog.export(run, rejectlog.csv_path(run.pk, info.path))
        result.rejects_sample = list(_first(rejectlog.stored(run), 50))
    else:
        result.rejects_path = log.path if log else None
        result.rejects_sample = counts.samples
    result.created, result.updated = counts.created, counts.updated
    result.unchanged, result.rejected, result.blank = (
        counts.unchanged,
        counts.rejected,
        counts.blank,
    )
    result.rows = counts.rows_done
    result.held = counts.held
    result.held_sample = counts.held_samples
    result.kept = dict(counts.kept.most_common())
    result.seconds = time.perf_counter() - started
    return result


def _first(items: Any, n: int) -> Any:
    for i, item in enumerate(items):
        if i >= n:
            return
        yield item


def _alive(run: ImportRun) -> bool:
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


def _start_run(
    org: Organisation, info: readers.FileInfo, fmt: str, options: dict[str, Any]
) -> ImportRun:
    """Resume the unfinished run of this very file, or start a new one."""
    for run in ImportRun.objects.filter(
        organisation=org, file_sha256=info.sha256, fmt=fmt, status=ImportRun.Status.RUNNING
    ).order_by("-pk"):
        if run.options != options:
            continue
        if _alive(run):
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


def _claim_run(
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
        if run.status == ImportRun.Status.RUNNING and _alive(run):
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


def _fail(run: ImportRun | None, message: str) -> None:
    if run is not None:
        run.status, run.message = ImportRun.Status.FAILED, message
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "message", "finished_at"])
