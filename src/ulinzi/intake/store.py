"""Write one batch of validated rows: new incidents in bulk, changed ones updated with a
history line, unchanged ones left alone; the run's checkpoint moves in the same
transaction, so a batch is either wholly written (and counted) or not at all."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ulinzi.incidents import writes
from ulinzi.incidents.models import Incident
from ulinzi.incidents.writes import Built
from ulinzi.intake import rejects as rejectlog
from ulinzi.intake.models import ImportRun

RETRIES = 3
HELD_SAMPLES = 50
MANY_FIELDS = 3  # at least this many, and half the fields the row gives, are "many"


@dataclass
class Held:
    """A row held back: it would change its record's domain or many of its fields.
    ``changes`` is field → (old, new), sensitive fields shown only as changed."""

    row: int
    source_id: str
    changes: dict[str, tuple[Any, Any]]

    def line(self) -> str:
        shown = "; ".join(f"{k}: {_short(a)} → {_short(b)}" for k, (a, b) in self.changes.items())
        return f"row {self.row} ({self.source_id}): {shown}"


def _short(value: Any) -> str:
    text = "" if value is None else str(writes.jsonable(value))
    return text if len(text) <= 60 else text[:59] + "…"


@dataclass
class Pending:
    row: int
    source_id: str
    cleaned: dict[str, Any]
    source: Any
    raw: dict[str, Any] = field(default_factory=dict)
    built: Built | None = None


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    blank: int = 0
    rows_done: int = 0
    held: int = 0
    samples: list[rejectlog.Reject] = field(default_factory=list)
    held_samples: list[Held] = field(default_factory=list)
    # Values left out of rows that were kept: (column, value, reason) → rows.
    kept: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    def add(self, other: Counts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.held += other.held
        room = HELD_SAMPLES - len(self.held_samples)
        if room > 0:
            self.held_samples.extend(other.held_samples[:room])

    def snapshot(self) -> Counts:
        return Counts(
            self.created,
            self.updated,
            self.unchanged,
            self.rejected,
            self.blank,
            self.rows_done,
            self.held,
        )


def _in_limit() -> int:
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        try:
            return int(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)) - 10
        except AttributeError:
            return 990
    return 60_000


class Store:
    """Writes batches for one organisation (or, dry, only classifies them)."""

    def __init__(
        self,
        organisation_id: int,
        run: ImportRun | None,
        raw_of: Callable[[Any], dict[str, Any]],
        label: str,
        dataset: str = "",
        apply_changes: bool = False,
    ) -> None:
        self.organisation_id = organisation_id
        self.dataset = dataset
        self.apply_changes = apply_changes
        self.run = run
        self.raw_of = raw_of
        self.writer = writes.BulkWriter(organisation_id, dataset)
        self.in_limit = _in_limit()
        self.label = label

    def _existing(self, batch: Sequence[Pending]) -> dict[str, dict[str, Any]]:
        names: set[str] = set()
        for item in batch:
            names.update(item.cleaned)
        names.discard("source_id")
        ids = [p.source_id for p in batch]
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), self.in_limit):
            chunk = ids[start : start + self.in_limit]
            rows = Incident.objects.filter(
                organisation_id=self.organisation_id, dataset=self.dataset, source_id__in=chunk
            ).values("pk", "source_id", "raw_source", *sorted(names))
            found.update({r["source_id"]: r for r in rows})
        return found

    def write(
        self,
        batch: Sequence[Pending],
        rejects: list[rejectlog.Reject],
        counts: Counts,
        rows_done: int,
        *,
        dry_run: bool = False,
    ) -> Counts:
        """Write ``batch`` and ``rejects``; move the checkpoint to ``rows_done``."""
        for attempt in range(RETRIES):
            try:
                with transaction.atomic():
                    if connection.vendor == "postgresql" and not dry_run:
                        # The checkpoint commits with the batch, so a commit lost in a
                        # server crash is redone on resume: no need to wait for the flush.
                        with connection.cursor() as cursor:
                            cursor.execute("SET LOCAL synchronous_commit = off")
                    got = self._write(batch, dry_run=dry_run)
                    if self.run is not None and not dry_run:
                        rejectlog.save(self.run, rejects)
                        self._checkpoint(counts, got, rows_done)
                return got
            except IntegrityError:
                # Another import wrote some of these source ids since we looked: the
                # retry sees them as existing.
                if attempt == RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def _checkpoint(self, counts: Counts, got: Counts, rows_done: int) -> None:
        run = self.run
        assert run is not None
        run.created = counts.created + got.created
        run.updated = counts.updated + got.updated
        run.unchanged = counts.unchanged + got.unchanged
        run.rejected = counts.rejected
        run.blank = counts.blank
        run.held = counts.held + got.held
        run.rows_done = rows_done
        run.checkpoint_at = timezone.now()
        run.save(
            update_fields=[
                "created", "updated", "unchanged", "rejected", "blank", "held", "rows_done",
                "checkpoint_at",
            ]
        )  # fmt: skip

    def prepare(self, batch: Sequence[Pending]) -> None:
        """Build every row's insert values now (encryption included), in the caller's
        thread, while an earlier batch is being written; rows found to exist already
        are compared instead, and their built values dropped."""
        items = []
        for item in batch:
            item.raw = self.raw_of(item.source)
            item.cleaned["source_id"] = item.source_id
            items.append((item.cleaned, item.raw, item.row))
        built = self.writer.rows(items, timezone.now(), self.label)
        for item, values in zip(batch, built, strict=True):
            item.built = values

    def _write(self, batch: Sequence[Pending], *, dry_run: bool) -> Counts:
        got = Counts()
        if not batch:
            return got
        existing = self._existing(batch)
        new: list[Built] = []
        revisions: list[writes.Revision] = []
        for item in batch:
            before = existing.get(item.source_id)
            if before is None:
                got.created += 1
                if item.built is not None:
                    new.append(item.built)
                continue
            raw = item.raw or self.raw_of(item.source)
            changes = self._changes(before, item.cleaned, raw)
            if not changes:
                got.unchanged += 1
                continue
            if not self.apply_changes and self._many(changes, item.cleaned):
                got.held += 1
                if len(got.held_samples) < HELD_SAMPLES:
                    got.held_samples.append(Held(item.row, item.source_id, _shown_diff(changes)))
                continue
            got.updated += 1
            revisions.append(self._revision(before["pk"], item, changes))
        if new and not dry_run:
            self.writer.insert(new)
        if revisions and not dry_run:
            writes.revise(revisions)
        return got

    @staticmethod
    def _many(changes: dict[str, Any], cleaned: dict[str, Any]) -> bool:
        """Whether ``changes`` rewrites the record rather than correcting it: another
        domain, or many of the fields the row gives (the source row not counted)."""
        if "domain" in changes:
            return True
        changed = len(changes) - ("raw_source" in changes)
        given = len(cleaned) - ("source_id" in cleaned)
        return changed >= max(MANY_FIELDS, (given + 1) // 2)

    @staticmethod
    def _changes(
        before: dict[str, Any], cleaned: dict[str, Any], raw: dict[str, Any]
    ) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for name, value in cleaned.items():
            if name == "source_id":
                continue
            old = before.get(name)
            if old != value and not (old in (None, "") and value in (None, "")):
                changes[name] = (old, value)
        if before.get("raw_source") != raw:
            changes["raw_source"] = (before.get("raw_source"), raw)
        return changes

    @staticmethod
    def _revision(pk: Any, item: Pending, changes: dict[str, Any]) -> writes.Revision:
        shown = {name: list(pair) for name, pair in _shown_diff(changes).items()}
        if "raw_source" in shown:
            shown["raw_source"] = writes.source_replaced(item.row)
        return writes.Revision(
            pk=pk,
            values={name: new for name, (_, new) in changes.items()},
            changes=shown,
            reason=f"re-import, row {item.row}",
        )


def _shown_diff(changes: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Old → new per field as history and previews show it."""
    return {name: tuple(writes.shown(name, old, new)) for name, (old, new) in changes.items()}
