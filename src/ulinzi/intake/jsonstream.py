"""Read the records of a large JSON document one at a time, without loading it whole.

Understands the shapes submission exports come in: a top-level array of records; an
object whose ``results``/``value``/``data``/``submissions`` member is that array (Kobo
API, ODK Central OData); or JSON Lines (one record per line).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

RECORD_KEYS = ("results", "value", "data", "submissions")
_WS = " \t\r\n"
_decoder = json.JSONDecoder()


class JsonError(ValueError):
    """The text is not JSON of a shape we can read."""


class _Buffer:
    def __init__(self, fh: TextIO, chunk: int = 1 << 16) -> None:
        self.fh = fh
        self.chunk = chunk
        self.text = ""
        self.pos = 0
        self.eof = False

    def _fill(self) -> bool:
        if self.eof:
            return False
        more = self.fh.read(self.chunk)
        if not more:
            self.eof = True
            return False
        self.text = self.text[self.pos :] + more
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next non-blank character ('' at the end)."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _WS:
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            found = self.peek() or "end of file"
            raise JsonError(f"expected {char!r}, found {found!r}")
        self.pos += 1

    def value(self) -> Any:
        """Decode the next complete JSON value, reading more text until it is whole."""
        self.peek()
        while True:
            try:
                value, end = _decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                # A number cut at the end of the buffer decodes "successfully" too short;
                # any failure near the end means: read more and try again.
                if self._fill():
                    continue
                raise JsonError(str(exc)) from exc
            if end == len(self.text) and not self.eof and self._fill():
                continue
            self.pos = end
            return value


def records(fh: TextIO) -> Iterator[Any]:
    """Yield each record of the document in ``fh``."""
    buf = _Buffer(fh)
    first = buf.peek()
    if first == "[":
        yield from _array(buf)
    elif first == "{":
        yield from _object(buf)
    elif first == "":
        raise JsonError("the file holds no JSON")
    else:
        raise JsonError(f"a JSON export starts with '[' or '{{', not {first!r}")


def _array(buf: _Buffer) -> Iterator[Any]:
    buf.expect("[")
    if buf.peek() == "]":
        buf.pos += 1
        return
    while True:
        yield buf.value()
        nxt = buf.peek()
        if nxt == ",":
            buf.pos += 1
        elif nxt == "]":
            buf.pos += 1
            return
        else:
            raise JsonError(f"expected ',' or ']' between records, found {nxt or 'end'!r}")


def _object(buf: _Buffer) -> Iterator[Any]:
    """An envelope holding the records, or the first of several JSON Lines records."""
    buf.expect("{")
    members: dict[str, Any] = {}
    streamed = False
    while buf.peek() != "}":
        if members or streamed:
            buf.expect(",")
        key = buf.value()
        if not isinstance(key, str):
            raise JsonError("object keys must be strings")
        buf.expect(":")
        if key in RECORD_KEYS and buf.peek() == "[" and not streamed:
            yield from _array(buf)
            streamed = True
        else:
            members[key] = buf.value()
    buf.pos += 1
    if streamed:
        return
    yield members  # a single record: JSON Lines (or a one-record file)
    while buf.peek() == "{":
        yield buf.value()
    if buf.peek():
        raise JsonError(f"unexpected {buf.peek()!r} after a record")
