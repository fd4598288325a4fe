"""Make the covering samples of the real public files the import tests read.

``python -m ulinzi.intake.tests.real_samples SOURCE_DIR`` writes, for each large file of
``SOURCE_DIR`` (default ``$ULINZI_REAL_DATA`` or ``/work/shared/data/real``), a sample
``fixtures/<name>_covering.<ext>``: its header (and tag) rows, its first 100 data rows,
and the first row holding each value of every column with at most 150 distinct values
(countries, perpetrators, weapons, sectors, types, precisions, counts…), cells unchanged.
Every spelling a file uses in such a column is thus in the tests, in a file a test
imports in seconds. Small files are used as they are.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path
from typing import Any

import openpyxl

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIRST = 100
MAX_DISTINCT = 150
LARGE = {
    "who_ssa_attacks_2017_2024.csv": 1,
    "insecurity_insight_attacks_on_health_care_2016_2023.xlsx": 2,
    "insecurity_insight_health_care_interactive_map_2016_2023.xlsx": 2,
    "insecurity_insight_explosive_weapons_2020_2023.xlsx": 2,
    "insecurity_insight_api/aidWorkerKIKA.json": 0,
}  # file → header rows (0: a JSON list of records)


def covering(rows: list[list[Any]]) -> list[int]:
    """Indexes of the rows to keep: the first ``FIRST`` and one per value of each column
    with few distinct values."""
    keep = set(range(min(FIRST, len(rows))))
    width = max((len(r) for r in rows), default=0)
    for col in range(width):
        cells = [r[col] if col < len(r) else None for r in rows]
        distinct = {str(c) for c in cells}
        if len(distinct) > MAX_DISTINCT:
            continue
        seen: set[str] = set()
        for i, cell in enumerate(cells):
            if str(cell) not in seen:
                seen.add(str(cell))
                keep.add(i)
    return sorted(keep)


def sample(source: Path, name: str, header_rows: int) -> Path:
    path = source / name
    stem = Path(name).name.rsplit(".", 1)[0].replace("/", "_")
    prefix = "insecurity_insight_api_" if name.startswith("insecurity_insight_api/") else ""
    out = FIXTURES / f"{prefix}{stem}_covering{path.suffix}"
    if path.suffix == ".json":
        records = json.loads(path.read_text(encoding="utf-8"))
        keys = list(records[0])
        picked = covering([[r.get(k) for k in keys] for r in records])
        out.write_text(json.dumps([records[i] for i in picked], ensure_ascii=False), "utf-8")
    elif path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        head, data = rows[:header_rows], rows[header_rows:]
        with out.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([*head, *(data[i] for i in covering(data))])
    else:
        book = openpyxl.load_workbook(path, read_only=True)
        sheet = book.worksheets[0]
        cells: list[list[Any]] = [list(r) for r in sheet.iter_rows(values_only=True)]
        title = sheet.title
        book.close()
        top, body = cells[:header_rows], cells[header_rows:]
        new = openpyxl.Workbook()
        target = new.active
        assert target is not None
        target.title = title
        for row in [*top, *(body[i] for i in covering(body))]:
            target.append(row)
        new.save(out)
    return out


def main(argv: list[str]) -> int:
    default = os.environ.get("ULINZI_REAL_DATA", "/work/shared/data/real")
    source = Path(argv[0] if argv else default)
    for name, header_rows in LARGE.items():
        print(sample(source, name, header_rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
