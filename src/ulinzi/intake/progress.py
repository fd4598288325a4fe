"""Progress of an import, fed from the reader's position: the terminal bar (tqdm) and,
for a run, ``read_position``/``read_total`` in its row, which the run's web page shows."""

from __future__ import annotations

import sys
import time
from typing import Any

from ulinzi.intake.models import ImportRun
from ulinzi.intake.readers import Source

SAVE_EVERY = 1.0  # seconds: at most one UPDATE of the run per second


class Progress:
    """Moves a tqdm bar to the reader's position (when enabled) and saves that position
    in ``run`` (when given); called once per batch, between batch writes."""

    def __init__(
        self, source: Source, *, enabled: bool, label: str, run: ImportRun | None = None
    ) -> None:
        self.source = source
        self.bar: Any = None
        self.last = 0
        self.run_id = run.pk if run is not None else None
        self.saved = 0.0
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(
                total=source.total,
                unit=source.unit,
                unit_scale=source.unit == "B",
                desc=label[:30],
                file=sys.stderr,
                dynamic_ncols=True,
            )

    def update(self, rows: int) -> None:
        if self.run_id is not None and time.monotonic() - self.saved >= SAVE_EVERY:
            self.saved = time.monotonic()
            ImportRun.objects.filter(pk=self.run_id).update(
                read_position=self.source.position(), read_total=self.source.total
            )
        if self.bar is None:
            return
        now = self.source.position()
        self.bar.update(max(0, now - self.last))
        self.last = now
        self.bar.set_postfix_str(f"{rows:,} rows", refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
