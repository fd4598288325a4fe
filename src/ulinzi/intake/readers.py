"""Streaming row readers: CSV (encoding checked up front), XLSX (openpyxl read-only) and
KoboToolbox/ODK JSON. Nothing here loads a whole file; a file that cannot be read at all
raises :class:`UnreadableFile` with one message meant for the person importing it. A
file kept encrypted (an upload from the web, :mod:`ulinzi.common.encrypted_files`) is
read decrypted, chunk by chunk."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ulinzi.common import encrypted_files
from ulinzi.intake import jsonstream

CHUNK = 1 << 20
csv.field_size_limit(2**31 - 1)


class UnreadableFile(Exception):
    """The file cannot be read at all (the message says why, in plain words)."""


@dataclass(frozen=True)
class FileInfo:
    path: Path
    size: int
    sha256: str
    container: str  # "csv", "xlsx" or "json"
    encoding: str  # text encoding of csv/json ("" for xlsx)


def inspect(path: Path, container: str | None = None, encoding: str | None = None) -> FileInfo:
    """Hash the file and decide how to read it, checking a text file's encoding in the
    same single pass (so a bad byte on the last line fails before anything is imported)."""
    if not path.is_file():
        raise UnreadableFile(f"{path}: no such file")
    with _open(path) as fh:
        head = fh.read(8)
        size = fh.seek(0, io.SEEK_END)
    if size == 0:
        raise UnreadableFile(f"{path.name} is empty")
    sniffed = _sniff_container(head, path)
    if container in (None, "auto"):
        container = sniffed
    elif container == "xlsx" and sniffed != "xlsx":
        raise UnreadableFile(f"{path.name} is not an XLSX workbook (it looks like {sniffed})")
    elif container != "xlsx" and sniffed == "xlsx":
        raise UnreadableFile(f"{path.name} is an XLSX workbook: use --format xlsx or auto")
    digest = hashlib.sha256()
    text_encoding = ""
    if container == "xlsx":
        with _open(path) as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
    else:
        text_encoding = encoding or _bom_encoding(head) or "utf-8"
        _hash_and_check_text(path, digest, text_encoding, explicit=encoding is not None)
    return FileInfo(path, size, digest.hexdigest(), container, text_encoding)


def _open(path: Path) -> IO[bytes]:
    try:
        return encrypted_files.open_read(path)
    except encrypted_files.DamagedFile as exc:
        raise UnreadableFile(f"{path.name} cannot be read back: {exc}") from exc


def _sniff_container(head: bytes, path: Path) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            f"{path.name} is an old Excel .xls workbook: save it as .xlsx or CSV (UTF-8)"
        )
    if head.startswith(b"%PDF"):
        raise UnreadableFile(f"{path.name} is a PDF document, not a spreadsheet or CSV")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if path.suffix.lower() in (".json", ".ndjson") or stripped[:1] in (b"[", b"{"):
        return "json"
    return "csv"


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _hash_and_check_text(path: Path, digest: Any, encoding: str, *, explicit: bool) -> None:
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    except LookupError as exc:
        raise UnreadableFile(f"unknown text encoding {encoding!r}") from exc
    offset = 0
    line = 1
    text_seen = False
    with _open(path) as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                bad = offset + exc.start
                line += chunk[: exc.start].count(b"\n")
                hint = (
                    "check the encoding you named"
                    if explicit
                    else "save it as CSV UTF-8, or name its encoding with --encoding "
                    "(for example cp1252 or latin-1)"
                )
                raise UnreadableFile(
                    f"{path.name} is not {encoding} text: byte 0x{chunk[exc.start]:02x} at "
                    f"offset {bad} (line {line}) cannot be read; {hint}"
                ) from exc
            if "\x00" in text:
                raise UnreadableFile(f"{path.name} holds binary data, not CSV or JSON text")
            text_seen = text_seen or bool(text.strip())
            line += chunk.count(b"\n")
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise UnreadableFile(f"{path.name} ends in the middle of a character") from exc
    if not text_seen:
        raise UnreadableFile(f"{path.name} is empty (only blank space)")


class Source(ABC):
    """Rows of a file, one at a time. ``position()``/``total`` drive the progress bar."""

    unit = "rows"
    total: int | None = None

    @abstractmethod
    def rows(self) -> Iterator[Any]:
        """Yield the file's rows in order."""

    def position(self) -> int:
        return 0

    def close(self) -> None:  # noqa: B027 - optional hook; sources without a file keep it
        """Release the file."""


class CsvSource(Source):
    """A delimited text file; the delimiter is guessed from the header line."""

    unit = "B"

    def __init__(self, info: FileInfo) -> None:
        self.binary: IO[bytes] = _open(info.path)
        self.text = io.TextIOWrapper(self.binary, encoding=info.encoding, newline="")
        self.total = info.size
        first = self.text.readline()
        self.text.seek(0)
        self.delimiter = _guess_delimiter(first)

    def rows(self) -> Iterator[list[str]]:
        reader = csv.reader(self.text, delimiter=self.delimiter)
        try:
            yield from reader
        except csv.Error as exc:
            raise UnreadableFile(f"CSV error near line {reader.line_num}: {exc}") from exc

    def position(self) -> int:
        return self.binary.tell()

    def close(self) -> None:
        self.text.close()


def _guess_delimiter(line: str) -> str:
    counts = {d: 0 for d in ",;\t|"}
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class XlsxSource(Source):
    """One sheet of a workbook, streamed with openpyxl's read-only mode."""

    def __init__(self, info: FileInfo, sheet: str | None = None) -> None:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        self.binary: IO[bytes] = _open(info.path)
        try:
            self.book = openpyxl.load_workbook(self.binary, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
            self.binary.close()
            raise UnreadableFile(
                f"{info.path.name} is not a readable XLSX workbook ({exc})"
            ) from exc
        problem = None
        if sheet is not None and sheet not in self.book.sheetnames:
            names = ", ".join(self.book.sheetnames)
            problem = f"{info.path.name} has no sheet {sheet!r} (sheets: {names})"
        elif not self.book.worksheets:
            problem = f"{info.path.name} has no sheets"
        if problem:
            self.close()
            raise UnreadableFile(problem)
        self.sheet = self.book[sheet] if sheet else self.book.worksheets[0]
        self.total = self.sheet.max_row
        self.done = 0

    def rows(self) -> Iterator[tuple[Any, ...]]:
        for row in self.sheet.iter_rows(values_only=True):
            self.done += 1
            yield row

    def position(self) -> int:
        return self.done

    def close(self) -> None:
        self.book.close()
        self.binary.close()


class JsonSource(Source):
    """KoboToolbox/ODK submissions: a JSON array, an object holding one (``results``,
    ``value``, ``data``), or JSON Lines. Submissions are yielded as they are."""

    unit = "B"

    def __init__(self, info: FileInfo) -> None:
        self.binary: IO[bytes] = _open(info.path)
        self.text = io.TextIOWrapper(self.binary, encoding=info.encoding)
        self.total = info.size

    def rows(self) -> Iterator[dict[str, Any]]:
        try:
            for record in jsonstream.records(self.text):
                if not isinstance(record, dict):
                    raise UnreadableFile("the JSON holds something other than submissions")
                yield record
        except jsonstream.JsonError as exc:
            raise UnreadableFile(f"not readable JSON: {exc}") from exc

    def position(self) -> int:
        return self.binary.tell()

    def close(self) -> None:
        self.text.close()


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"g": {"q": 1}}`` → ``{"g/q": 1}``; lists (repeat groups) stay as they are."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "/"))
        else:
            out[name] = value
    return out


def open_source(info: FileInfo, sheet: str | None = None) -> Source:
    """Open the right reader for a file ``inspect`` looked at."""
    if info.container == "xlsx":
        return XlsxSource(info, sheet)
    if info.container == "json":
        return JsonSource(info)
    return CsvSource(info)
