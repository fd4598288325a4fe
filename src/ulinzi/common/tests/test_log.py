"""The console log handler writes to the standard error of the moment."""

from __future__ import annotations

import io
import logging
import sys

import pytest

from ulinzi.common.log import StderrHandler


def _record(message: str) -> logging.LogRecord:
    return logging.LogRecord("ulinzi.test", logging.INFO, __file__, 1, message, None, None)


def test_console_handler_follows_sys_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    handler = StderrHandler()
    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    handler.handle(_record("one"))
    first.close()  # as output capture closes the stream it swapped in
    monkeypatch.setattr(sys, "stderr", second)
    handler.handle(_record("two"))
    handler.flush()
    assert second.getvalue() == "two\n"


def test_the_root_logger_writes_through_it() -> None:
    """Configured from settings.LOGGING when Django starts."""
    assert any(isinstance(h, StderrHandler) for h in logging.getLogger().handlers)


def test_waitress_queue_warnings_pass_once_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    from ulinzi.common import log

    configured = logging.getLogger("waitress.queue").filters
    assert any(isinstance(f, log.OncePerMinute) for f in configured)
    clock = [1000.0]
    monkeypatch.setattr(log.time, "monotonic", lambda: clock[0])
    once = log.OncePerMinute()
    queue = logging.LogRecord("waitress.queue", logging.WARNING, __file__, 1, "depth", None, None)
    other = logging.LogRecord("waitress", logging.WARNING, __file__, 1, "other", None, None)
    assert [once.filter(queue), once.filter(queue), once.filter(other)] == [True, False, True]
    clock[0] += 59
    assert not once.filter(queue)
    clock[0] += 1
    assert once.filter(queue)
