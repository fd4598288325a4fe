"""The console log handler, a filter that lets a repeated warning through once a
minute, and the JSON-lines format (``ULINZI_LOG_FORMAT=json``)."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from datetime import UTC, datetime
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


class OncePerMinute(logging.Filter):
    """Lets one record of a logger through per ``seconds`` (60) and drops the rest: for
    lines a server writes per request under load (waitress's "Task queue depth is N"),
    which would otherwise add a disk write to every request of an overload."""

    def __init__(self, seconds: float = 60.0) -> None:
        super().__init__()
        self.seconds = seconds
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        with self._lock:
            if now - self._last.get(record.name, -self.seconds) < self.seconds:
                return False
            self._last[record.name] = now
        return True


class JsonLines(logging.Formatter):
    """One JSON object a line: ``time`` (UTC, ISO 8601), ``level``, ``logger``,
    ``message``, and ``error`` with the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
