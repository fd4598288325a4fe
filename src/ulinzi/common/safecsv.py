"""CSV that a spreadsheet opens as data, never as formulas.

Every CSV Ulinzi writes (exports, notifications to parties, rejected rows) goes through
:class:`Writer`. A text cell that begins with a character a spreadsheet reads as the start
of a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return, line feed, NUL: OWASP's
CSV injection list and ASVS 1.2.10) gets a leading apostrophe, unless it is a plain
number (``-3``, ``+2.5``, ``-1e5``), which stays a number. Numbers that are not text
(``int``, ``float``) are written as they are.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

FORMULA_STARTS = frozenset("=+-@\t\r\n\0")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def inert(value: Any) -> Any:
    """``value`` as a CSV cell that no spreadsheet runs: text that would start a formula
    gets a leading ``'``; numbers, ``None`` and other text are unchanged."""
    if value is None or isinstance(value, int | float):
        return value
    text = str(value)
    if text[:1] in FORMULA_STARTS and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


class Writer:
    """A ``csv.writer`` whose every cell passes through :func:`inert`."""

    def __init__(self, out: IO[str]) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([inert(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
