"""The console log handler."""

from __future__ import annotations

import logging
import sys
from typing import TextIO


class StderrHandler(logging.StreamHandler[TextIO]):
    """``logging.StreamHandler`` on ``sys.stderr`` as it is when a record is written, not
    as it was when logging was configured: a stream swapped in for a while and closed
    afterwards (as test output capture does) is never written to once it is gone."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)

    def flush(self) -> None:
        self.stream = sys.stderr
        super().flush()
