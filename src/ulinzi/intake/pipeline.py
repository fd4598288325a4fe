"""The row loop of an import: convert, validate, batch, write; resume after a checkpoint.

On resume the rows before the checkpoint are read again and converted (not written) so
that the duplicate-id check knows the ids they took, and the final state is the one a
single uninterrupted run would have reached.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ulinzi.common.problems import InvalidInput
from ulinzi.intake import rejects as rejectlog
from ulinzi.intake.checks import Checker
from ulinzi.intake.formats.base import Plan, row_hash
from ulinzi.intake.models import ImportRun
from ulinzi.intake.progress import Progress
from ulinzi.intake.seen import SeenIds
from ulinzi.intake.store import Counts, Pending, Store

SAMPLES = 50


def _blank(row: Any) -> bool:
    if isinstance(row, dict):
        return not any(v not in (None, "") for v in row.values())
    if any(row):
        return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)
    return all(v is None or v == "" for v in row)


class Pipeline:
    def __init__(
        self,
        organisation_id: int,
        plan: Plan,
        run: ImportRun | None,
        batch_size: int,
        bar: Progress,
        log: rejectlog.CsvLog | None,
        first_row: int,
    ) -> None:
        self.plan = plan
        self.run_row = run
        label = f"import run {run.pk}" if run else "dry run"
        self.store = Store(organisation_id, run, plan.raw, label)
        self.batch_size = batch_size
        self.bar = bar
        self.log = log
        self.first_row = first_row
        self.seen = SeenIds()
        self.counts = Counts()
        self.skip = 0
        if run is not None and run.rows_done:
            self.skip = run.rows_done
            for name in ("created", "updated", "unchanged", "rejected", "blank", "rows_done"):
                setattr(self.counts, name, getattr(run, name))
        self.rejects: list[rejectlog.Reject] = []
        self.checker = Checker()

    def _reject(self, row: int, problems: Iterable[tuple[str, Any, str]]) -> None:
        found = [rejectlog.make(row, column, value, reason) for column, value, reason in problems]
        self.rejects.extend(found)
        self.counts.rejected += 1
        room = SAMPLES - len(self.counts.samples)
        if room > 0:
            self.counts.samples.extend(found[:room])

    def run(self, rows: Iterable[Any]) -> Counts:
        """Consume ``rows`` (data rows after the header); return the final counts."""
        plan, convert, clean = self.plan, self.plan.convert, self.checker.clean
        column_for, skip = plan.column_for, self.skip
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
                if problems:
                    if not replay:
                        self._reject(row_no, ((p.column, p.value, p.reason) for p in problems))
                else:
                    try:
                        cleaned = clean(data)
                    except InvalidInput as exc:
                        if not replay:
                            self._reject(
                                row_no,
                                (
                                    (
                                        column_for(p.field),
                                        data.get(p.field.split("[")[0]),
                                        p.message,
                                    )
                                    for p in exc.problems
                                ),
                            )
                    else:
                        sid = cleaned.get("source_id") or row_hash(plan.raw(row))
                        pending.append(Pending(row_no, sid, cleaned, row))
            if len(pending) >= self.batch_size or index == skip:
                self._flush(pending, index, replay)
                pending = []
        self._flush(pending, index, index <= skip)
        return self.counts

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
        if self.log is not None:
            self.log.add(rejects)
        got = self.store.write(fresh, rejects, self.counts, index, dry_run=self.log is not None)
        self.counts.add(got)
        self.counts.rows_done = index
        self.bar.update(index)
