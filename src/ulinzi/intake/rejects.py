"""Rejected rows: what was wrong (row, column, value, reason), kept and reported.

During a run, rejects are stored with the batch they belong to (so a checkpoint holds
them too); at the end they are written as a CSV under the data directory, encrypted
(:mod:`ulinzi.common.encrypted_files`; ``ulinzi keys decrypt PATH`` prints it).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings

from ulinzi.common import encrypted_files, safecsv
from ulinzi.intake.formats.base import jsonable
from ulinzi.intake.models import ImportReject, ImportRun

HEADER = ("row", "column", "value", "reason")
VALUE_LIMIT = 300
HIDDEN_COLUMNS = ("narrative", "description", "event description", "summary", "notes")


@dataclass(frozen=True)
class Reject:
    row: int
    column: str
    value: str
    reason: str

    def line(self) -> str:
        shown = f" = {self.value!r}" if self.value else ""
        return f"row {self.row}, {self.column or '(row)'}{shown}: {self.reason}"


def make(row: int, column: str, value: Any, reason: str) -> Reject:
    """A reject with the value shown as text, shortened, and hidden for narratives."""
    if column.strip().lower() in HIDDEN_COLUMNS and value not in (None, ""):
        shown = "(hidden)"
    else:
        raw = jsonable(value)
        shown = "" if raw is None else str(raw)
        if len(shown) > VALUE_LIMIT:
            shown = shown[: VALUE_LIMIT - 1] + "…"
    return Reject(row, column, shown, reason)


def csv_row(reject: Reject) -> tuple[int, str, str, str]:
    """A reject as a CSV row (written through :class:`safecsv.Writer`, so formulas are
    made inert)."""
    return (reject.row, reject.column, reject.value, reject.reason)


def save(run: ImportRun, rejects: Iterable[Reject]) -> None:
    ImportReject.objects.bulk_create(
        [
            ImportReject(run=run, row=r.row, column=r.column, value=r.value, reason=r.reason)
            for r in rejects
        ]
    )


def stored(run: ImportRun) -> Iterator[Reject]:
    for r in ImportReject.objects.filter(run=run).order_by("row", "id").iterator(2000):
        yield Reject(r.row, r.column, r.value, r.reason)


def csv_path(run_id: int | str, source: Path) -> Path:
    """Where a run's rejects CSV goes: under the data directory, encrypted and readable
    by its owner only (rejected values are the partner's data)."""
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder / f"{run_id}-{source.stem}-rejects.csv"


class Sink(Protocol):
    """Where a dry run sends its rejects (a real run stores them with their batch, so that
    a checkpoint holds them too)."""

    def add(self, rejects: Iterable[Reject]) -> None: ...

    def close(self) -> None:
        """The run is over: keep what was sent."""

    def discard(self) -> None:
        """The run never started: keep nothing."""


class KeptRejects:
    """Rejects kept in memory, in the order they came (a preview's)."""

    def __init__(self) -> None:
        self.items: list[Reject] = []

    def add(self, rejects: Iterable[Reject]) -> None:
        self.items.extend(rejects)

    def close(self) -> None:
        return None

    def discard(self) -> None:
        self.items.clear()


class CsvLog:
    """Rejects written straight to an encrypted CSV (the command line's dry runs); the file
    is in place once closed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.out = encrypted_files.Writer(path)
        self.fh = io.TextIOWrapper(self.out.stream(), newline="", encoding="utf-8")
        self.writer = safecsv.Writer(self.fh)
        self.writer.writerow(HEADER)

    def add(self, rejects: Iterable[Reject]) -> None:
        self.writer.writerows(csv_row(r) for r in rejects)

    def close(self) -> None:
        if not self.out.closed:
            self.fh.flush()
            self.fh.detach()
            self.out.commit()

    def discard(self) -> None:
        if not self.out.closed:
            self.fh.detach()
            self.out.close()


def export(run: ImportRun, path: Path) -> Path:
    log = CsvLog(path)
    try:
        log.add(stored(run))
    finally:
        log.close()
    return path
