"""The entry points of imports and uploads; views, commands and tasks call these.

- staging an upload from the web: :func:`stage`, :func:`get`, :func:`discard`,
  :func:`sweep`, :func:`earlier_runs` (:mod:`.staging`);
- its preview, nothing written: :func:`preview` (:mod:`.previews`);
- queueing it for the worker, and the worker's task: :func:`confirm`, :func:`retry`,
  :func:`can_retry`, :func:`execute` (:mod:`.queue`);
- running an import, from the command line or the worker: :func:`run_import`, a dry run's
  rejects going to the sink it is given (:func:`dry_run_csv` for the command line's CSV)
  (:mod:`.imports`);
- a run's rejects as CSV: :func:`rejects_csv` (:mod:`.rejects`).

The importer's messages are worded for the web by :mod:`.wording`.

Every entry point takes the organisation as an :class:`~ulinzi.accounts.models.Organisation`.
"""

from __future__ import annotations

from ulinzi.intake.services.imports import dry_run_csv, run_import
from ulinzi.intake.services.previews import preview
from ulinzi.intake.services.queue import can_retry, confirm, execute, retry
from ulinzi.intake.services.rejects import rejects_csv
from ulinzi.intake.services.staging import (
    Upload,
    discard,
    earlier_runs,
    get,
    safe_name,
    stage,
    sweep,
)

__all__ = [
    "Upload",
    "can_retry",
    "confirm",
    "discard",
    "dry_run_csv",
    "earlier_runs",
    "execute",
    "get",
    "preview",
    "rejects_csv",
    "retry",
    "run_import",
    "safe_name",
    "stage",
    "sweep",
]
