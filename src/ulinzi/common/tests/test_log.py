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
