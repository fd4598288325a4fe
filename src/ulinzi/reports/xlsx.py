"""Large worksheets for XLSX exports: XlsxWriter writes the workbook, the records' rows
are rendered here.

XlsxWriter's per-cell path runs at about 120,000 cells a second on the project's machine,
so a million generated incidents (868,000 distinct public records × 16 cells) would take
nearly two minutes for the sheet alone. Rows rendered here, each distinct text escaped
once and reused, run about ten times faster. They are the same SpreadsheetML XlsxWriter
writes in ``constant_memory`` mode (``<row r>`` of ``<c r>`` cells, text as inline
strings, numbers as values), spliced into the sheet XlsxWriter wrote with its header rows,
so every other part of the file (content types, styles, the other sheets) stays
XlsxWriter's own.

Every text is written as text: never a formula, a link or a number, whatever it starts
with. XlsxWriter itself writes a plain string that looks like ``<r>…</r>`` unescaped (it
takes it for a rich string); :func:`write_row` guards the cells it is given against that.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

from xlsxwriter.utility import xl_col_to_name

# Strings stay strings: a text starting with "=" is never a formula, "http…" never a
# link, "007" never the number 7.
OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
SHEET_ROWS = 1_048_576  # a worksheet's limit
CELL_CHARS = 32_767  # a cell's limit, in UTF-16 code units

_ESCAPE_ESCAPES = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_EDGE_SPACE = re.compile(r"^\s|\s$")
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')


class TooManyRows(ValueError):
    """More rows than a worksheet holds."""


def _truncate(text: str) -> str:
    if len(text) <= CELL_CHARS // 2:
        return text
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) <= CELL_CHARS * 2:
        return text
    return units[: CELL_CHARS * 2].decode("utf-16-le", "ignore")


def text_cell(text: str) -> str:
    """The rest of a ``<c r="…"`` element holding ``text`` as an inline string."""
    text = _truncate(text)
    # Excel's own escape for characters XML cannot hold (_xHHHH_), after escaping any
    # literal _xHHHH_ so that it reads back as written.
    text = _ESCAPE_ESCAPES.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    return f' t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _value_cell(value: Any) -> str:
    """The rest of a ``<c r="…"`` element for a value other than a string ('' if empty)."""
    if value is None:
        return ""
    if value is True or value is False:
        return f' t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f"><v>{value}</v></c>"
    if isinstance(value, float):
        if math.isfinite(value):
            return f"><v>{value:.16G}</v></c>"
        return text_cell(str(value))
    return text_cell(str(value))


class RowWriter:
    """Renders rows of cells as ``<row>`` elements, from ``first_row`` (0-based) on;
    ``last_row`` is then the number (1-based, as Excel shows it) of the last one."""

    def __init__(self, out: IO[bytes], columns: int, first_row: int) -> None:
        self.out = out
        self.letters = [xl_col_to_name(i) for i in range(columns)]
        self.spans = f"1:{columns}"
        self.last_row = first_row
        self._texts: dict[str, str] = {"": ""}

    def write(self, rows: Iterable[Sequence[Any]]) -> None:
        texts = self._texts
        letters = self.letters
        spans = self.spans
        write = self.out.write
        n = self.last_row
        for row in rows:
            n += 1  # the XML's row numbers start at 1
            if n > SHEET_ROWS:
                raise TooManyRows(f"more than {SHEET_ROWS:,} rows")
            parts = []
            for letter, value in zip(letters, row, strict=False):
                if value.__class__ is str:
                    cell = texts.get(value)
                    if cell is None:
                        cell = texts[value] = text_cell(value)
                else:
                    cell = _value_cell(value)
                if cell:
                    parts.append(f'<c r="{letter}{n}"{cell}')
            write(f'<row r="{n}" spans="{spans}">{"".join(parts)}</row>'.encode())
        self.last_row = n


def looks_rich(value: Any) -> bool:
    """Whether XlsxWriter would take this string for rich-string XML and write it raw."""
    return isinstance(value, str) and value.startswith("<r>") and value.endswith("</r>")


def write_row(sheet: Any, row: int, values: Sequence[Any]) -> None:
    """``sheet.write_row``, with any text XlsxWriter would write raw split in three plain
    fragments of a rich string (which it escapes): the cell reads back as the same text."""
    if not any(looks_rich(v) for v in values):
        sheet.write_row(row, 0, values)
        return
    for col, value in enumerate(values):
        if looks_rich(value):
            if sheet.write_rich_string(row, col, value[:1], value[1:2], value[2:]) != 0:
                raise ValueError(f"row {row + 1}, column {col + 1}: cannot write {value!r}")
        else:
            sheet.write(row, col, value)


def splice(
    book: bytes, sheet_path: str, rows: IO[bytes], columns: int, last_row: int, out: IO[bytes]
) -> None:
    """Copy the workbook ``book`` (XlsxWriter's output) to ``out`` with the rendered
    ``rows`` (a file) added at the end of the sheet at ``sheet_path``, its dimension widened
    to ``last_row``."""
    with (
        zipfile.ZipFile(io.BytesIO(book)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            target = zipfile.ZipInfo(info.filename, info.date_time)
            target.external_attr = info.external_attr
            target.compress_type = zipfile.ZIP_DEFLATED
            if info.filename != sheet_path:
                dst.writestr(target, src.read(info))
                continue
            sheet = src.read(info).decode("utf-8")
            if "<sheetData/>" in sheet:  # no header rows were written
                head, tail = sheet.split("<sheetData/>", 1)
                head += "<sheetData>"
            else:
                head, tail = sheet.split("</sheetData>", 1)
            tail = "</sheetData>" + tail
            if last_row:
                ref = f"A1:{xl_col_to_name(columns - 1)}{last_row}"
                head = _DIMENSION.sub(f'<dimension ref="{ref}"/>', head, count=1)
            start, end = head.encode(), tail.encode()
            size = len(start) + rows.seek(0, io.SEEK_END) + len(end)
            rows.seek(0)
            with dst.open(target, "w", force_zip64=size >= zipfile.ZIP64_LIMIT) as sink:
                sink.write(start)
                shutil.copyfileobj(rows, sink, 1 << 20)
                sink.write(end)
