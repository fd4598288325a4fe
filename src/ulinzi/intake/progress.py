"""The terminal progress bar of an import (tqdm), fed from the reader's position."""

from __future__ import annotations

import sys
from typing import Any

from ulinzi.intake.readers import Source


class Progress:
    """Moves a tqdm bar to the reader's position; does nothing when disabled."""

    def __init__(self, source: Source, *, enabled: bool, label: str) -> None:
        self.source = source
        self.bar: Any = None
        self.last = 0
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
        if self.bar is None:
            return
        now = self.source.position()
        self.bar.update(max(0, now - self.last))
        self.last = now
        self.bar.set_postfix_str(f"{rows:,} rows", refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
