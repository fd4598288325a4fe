"""Run an import of a file for an organisation: the entry point of the command line, the
worker's task and the demo (:mod:`ulinzi.intake.imports` opens the file and keeps the run)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.utils import timezone

from ulinzi.accounts.models import Organisation
from ulinzi.intake import readers
from ulinzi.intake import rejects as rejectlog
from ulinzi.intake.bulk import import_session
from ulinzi.intake.imports import (
    ImportFailed,
    ImportResult,
    claim_run,
    fail_run,
    open_import,
    start_run,
)
from ulinzi.intake.models import ImportRun
from ulinzi.intake.pipeline import Pipeline
from ulinzi.intake.progress import Progress
from ulinzi.intake.store import Store


def dry_run_csv(path: Path | str) -> rejectlog.CsvLog:
    """The sink of a dry run from the command line: an encrypted CSV of the rejects of
    ``path`` under the data directory."""
    return rejectlog.CsvLog(rejectlog.csv_path("dry-run", Path(path)))


def run_import(
    *,
    organisation: Organisation,
    path: Path | str,
    fmt: str = "auto",
    mapping: Path | str | None = None,
    domain: str | None = None,
    dry_run: bool = False,
    sink: rejectlog.Sink | None = None,
    progress: bool = True,
    encoding: str | None = None,
    batch_size: int = 5000,
    run_id: int | None = None,
    dataset: str | None = None,
    apply_changes: bool = False,
) -> ImportResult:
    """Import ``path`` for ``organisation``.

    A dry run (``dry_run``) writes nothing and sends its rejects to ``sink``
    (:func:`dry_run_csv` is the command line's): closed when the run ends, discarded if
    the file cannot be opened. A real run stores them with their batch; ``sink`` is None.

    ``run_id`` names a run created beforehand (an upload from the web, queued): that run
    is the one used, resumed from its checkpoint if it has one. ``dataset`` names the
    organisation's dataset the rows belong to (default: the file's family, see
    :mod:`ulinzi.intake.datasets`). A row that would change its record's domain or many
    of its fields is held, not applied, unless ``apply_changes`` confirms it.
    """
    if dry_run == (sink is None):
        raise ValueError("a dry run, and only a dry run, sends its rejects to a sink")
    org = organisation
    started = time.perf_counter()
    try:
        opened = open_import(
            path=path, fmt=fmt, mapping=mapping, domain=domain, encoding=encoding, dataset=dataset
        )
    except ImportFailed:
        if sink is not None:
            sink.discard()
        raise
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
            run = claim_run(run_id, org, info, plan.fmt, options)
        elif not dry_run:
            run = start_run(org, info, plan.fmt, options)
        result = ImportResult(
            fmt=plan.fmt, plan=plan.describe(), dry_run=dry_run, dataset=plan.dataset
        )
        result.run_id = run.pk if run else None
        result.resumed = bool(run and run.rows_done)
        bar = Progress(source, enabled=progress, label=info.path.name, run=run)
        label = f"import run {run.pk}" if run else "dry run"
        store = Store(org.pk, run, plan.raw, label, plan.dataset, apply_changes)
        pipeline = Pipeline(
            plan,
            store,
            run=run,
            dry_run=dry_run,
            sink=sink,
            batch_size=batch_size,
            bar=bar,
            first_row=opened.first_row,
        )
        try:
            with import_session():
                counts = pipeline.run(opened.rows)
        except readers.UnreadableFile as exc:
            fail_run(run, str(exc))
            raise ImportFailed(f"{info.path.name}: {exc}") from exc
        finally:
            bar.close()
            if sink is not None:
                sink.close()
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
        result.rejects_path = sink.path if isinstance(sink, rejectlog.CsvLog) else None
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
