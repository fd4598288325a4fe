"""A run's rejected rows as a CSV download."""

from __future__ import annotations

import io
from collections.abc import Iterator

from ulinzi.common import safecsv
from ulinzi.intake import rejects as rejectlog
from ulinzi.intake.models import ImportRun


def rejects_csv(run: ImportRun) -> Iterator[str]:
    """The run's rejected rows as CSV lines (row, column, value, reason), formulas made
    inert, as in the command line's CSV."""
    buffer = io.StringIO()
    writer = safecsv.Writer(buffer)
    writer.writerow(rejectlog.HEADER)
    for reject in rejectlog.stored(run):
        writer.writerow(rejectlog.csv_row(reject))
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
