"""The row loop of an import: convert, validate, batch, write; resume after a checkpoint.

A batch is written by a second thread, on its own connection, while this one reads and
prepares the next (the database's work runs without Python's lock, so the two overlap);
one batch at most is in flight, and batches commit in file order.

On resume the rows before the checkpoint are read again and converted (not written) so
that the duplicate-id check knows the ids they took, and the final state is the one a
single uninterrupted run would have reached.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.db import connection

from ulinzi.common.problems import InvalidInput
from ulinzi.incidents import validation
from ulinzi.intake import rejects as rejectlog
from ulinzi.intake.bulk import tune_connection
from ulinzi.intake.checks import Checker
from ulinzi.intake.formats.base import Plan, Problem, row_hash
from ulinzi.intake.models import ImportRun
from ulinzi.intake.progress import Progress
from ulinzi.intake.seen import SeenIds
from ulinzi.intake.store import Counts, Pending, Store

SAMPLES = 50
REQUIRED = frozenset(validation.REQUIRED)
VALUE_LIMIT = 200
Kept = tuple[str, str, str]  # column, value, reason


def _blank(row: Any) -> bool:
    if isinstance(row, dict):
        return not any(v not in (None, "") for v in row.values())
    if any(row):
        return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)
    return all(v is None or v == "" for v in row)


class Pipeline:
    """The row loop of one import into ``store``. A dry run (``dry_run``) writes nothing
    and sends its rejects to ``sink``; a real one stores them with their batch."""

    def __init__(
        self,
        plan: Plan,
        store: Store,
        *,
        run: ImportRun | None,
        dry_run: bool,
        sink: rejectlog.Sink | None,
        batch_size: int,
        bar: Progress,
        first_row: int,
    ) -> None:
        if dry_run == (sink is None):
            raise ValueError("a dry run, and only a dry run, sends its rejects to a sink")
        if dry_run and run is not None:
            raise ValueError("a dry run has no import run")
        self.plan = plan
        self.store = store
        self.dry_run = dry_run
        self.sink = sink
        self.batch_size = batch_size
        self.bar = bar
        self.first_row = first_row
        self.seen = SeenIds()
        self.counts = Counts()
        self.skip = 0
        if run is not None and run.rows_done:
            self.skip = run.rows_done
            names = ("created", "updated", "unchanged", "rejected", "blank", "held", "rows_done")
            for name in names:
                setattr(self.counts, name, getattr(run, name))
        self.rejects: list[rejectlog.Reject] = []
        self.checker = Checker()
        self.in_flight: tuple[Future[Counts], int] | None = None
        self.writer: ThreadPoolExecutor | None = None
        if run is not None and _can_write_aside():
            self.writer = ThreadPoolExecutor(1, "ulinzi-import-writer", tune_connection)

    def _reject(self, row: int, problems: Iterable[tuple[str, Any, str]]) -> None:
        found = [rejectlog.make(row, column, value, reason) for column, value, reason in problems]
        self.rejects.extend(found)
        self.counts.rejected += 1
        room = SAMPLES - len(self.counts.samples)
        if room > 0:
            self.counts.samples.extend(found[:room])

    def _clean(
        self, row_no: int, data: dict[str, Any], replay: bool, kept: list[Kept]
    ) -> dict[str, Any] | None:
        """Validate ``data``; a row whose only problems are optional fields is validated
        again without them; otherwise it is rejected (None)."""
        column_for = self.plan.column_for
        for attempt in range(3):
            try:
                cleaned = self.checker.clean(data)
            except InvalidInput as exc:
                found = [
                    Problem(
                        column_for(p.field),
                        data.get(p.field.split("[")[0]),
                        p.message,
                        p.field.split("[")[0],
                    )
                    for p in exc.problems
                ]
                more = None if attempt == 2 else self._keep(found, data)
                if more is None:
                    if not replay:
                        self._reject(row_no, ((p.column, p.value, p.reason) for p in found))
                    return None
                kept.extend(more)
            else:
                if not replay:
                    self.counts.kept.update(kept)
                return cleaned
        return None

    @staticmethod
    def _keep(problems: list[Problem], data: dict[str, Any]) -> list[Kept] | None:
        """What the row loses to keep it despite ``problems`` (None: it cannot be kept).
        Only a required field (date, country, domain) costs a row; the fields with a
        problem are left out of the record (their values stay in its raw source) and
        counted per (column, value, reason) for the import report."""
        if any(p.target in REQUIRED or not p.target for p in problems):
            return None
        kept: list[Kept] = []
        for p in problems:
            data.pop(p.target, None)
            if p.target in ("lat", "lon"):
                data.pop("lat", None)
                data.pop("lon", None)
            shown = rejectlog.make(0, p.column, p.value, p.reason).value[:VALUE_LIMIT]
            kept.append((p.column, shown, p.reason))
        return kept

    def run(self, rows: Iterable[Any]) -> Counts:
        """Consume ``rows`` (data rows after the header); return the final counts."""
        try:
            self._run(rows)
            self._collect()
        finally:
            self._stop()
        return self.counts

    def _run(self, rows: Iterable[Any]) -> None:
        plan, convert, skip = self.plan, self.plan.convert, self.skip
        event_ids = plan.event_ids
        pending: list[Pending] = []
        index = 0
        row_no = self.first_row - 1
        for row in rows:
            row_no += 1
            index += 1
            replay = index <= skip
            if _blank(row):
                if not replay:
                    self.counts.blank += 1
            else:
                data, problems = convert(row)
                kept = self._keep(problems, data) if problems else []
                if kept is None:
                    if not replay:
                        self._reject(row_no, ((p.column, p.value, p.reason) for p in problems))
                else:
                    cleaned = self._clean(row_no, data, replay, kept)
                    if cleaned is not None:
                        sid = cleaned.get("source_id") or row_hash(plan.raw(row))
                        if event_ids and cleaned.get("source_id"):
                            cleaned["event_id"] = sid
                        pending.append(Pending(row_no, sid, cleaned, row))
            if len(pending) >= self.batch_size or index == skip:
                self._flush(pending, index, replay)
                pending = []
        self._flush(pending, index, index <= skip)

    def _flush(self, pending: list[Pending], index: int, replay: bool) -> None:
        earlier = self.seen.claim([(p.source_id, p.row) for p in pending])
        if replay:
            return
        fresh: list[Pending] = []
        for item, first in zip(pending, earlier, strict=True):
            if first is None:
                fresh.append(item)
            else:
                reason = f"the same source id as row {first} of this file"
                self._reject(
                    item.row, [(self.plan.column_for("source_id"), item.source_id, reason)]
                )
        rejects, self.rejects = self.rejects, []
        if self.sink is not None:
            self.sink.add(rejects)
        else:
            self.store.prepare(fresh)
        self._collect()
        snapshot = self.counts.snapshot()
        write = self.store.write
        if self.writer is None:
            self._account(write(fresh, rejects, snapshot, index, dry_run=self.dry_run), index)
        else:
            future = self.writer.submit(write, fresh, rejects, snapshot, index, dry_run=False)
            self.in_flight = (future, index)

    def _account(self, got: Counts, index: int) -> None:
        self.counts.add(got)
        self.counts.rows_done = index
        self.bar.update(index)

    def _collect(self) -> None:
        """Wait for the batch being written (its errors are raised here)."""
        if self.in_flight is not None:
            future, index = self.in_flight
            self.in_flight = None
            self._account(future.result(), index)

    def _stop(self) -> None:
        if self.writer is not None:
            try:
                if self.in_flight is not None:
                    self.in_flight[0].exception()  # let the batch finish (or fail) first
                self.writer.submit(_close_connection).result()
            finally:
                self.writer.shutdown(wait=True)
                self.writer = None


def _close_connection() -> None:
    connection.close()  # the calling thread's own connection


def _can_write_aside() -> bool:
    """Whether batches may be written by a second thread on its own connection: not
    inside a transaction (tests), not on an in-memory SQLite database."""
    if connection.in_atomic_block:
        return False
    in_memory = getattr(connection, "is_in_memory_db", lambda: False)()
    return not (connection.vendor == "sqlite" and in_memory)
