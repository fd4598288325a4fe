"""Independent checks of released data, used by the tests.

``k_of`` uses pycanon (a maintained anonymity checker) on a pandas DataFrame, beside a
plain count, so the export's own arithmetic is not the only judge. ``determined`` solves
linear programmes: a hidden cell whose smallest and largest values compatible with
everything shown are equal could be recomputed from the table.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence

import pandas as pd
from pycanon import anonymity
from scipy.optimize import linprog

from ulinzi.reports.cells import Cell, Table


def read_hxl(data: bytes) -> tuple[list[str], list[str], list[list[str]]]:
    """Titles, hashtags and rows of an HXL CSV."""
    reader = csv.reader(io.StringIO(data.decode("utf-8")))
    titles = next(reader)
    tags = next(reader)
    return titles, tags, list(reader)


def k_of(rows: Sequence[Sequence[str]], columns: Sequence[int]) -> tuple[int, int]:
    """The k-anonymity of ``rows`` on the quasi-identifier ``columns``: (plain count,
    pycanon). Both are 0 for no rows."""
    if not rows:
        return 0, 0
    plain = min(Counter(tuple(r[i] for i in columns) for r in rows).values())
    names = [f"c{i}" for i in range(len(rows[0]))]
    frame = pd.DataFrame([list(r) for r in rows], columns=names)
    return plain, int(anonymity.k_anonymity(frame, [names[i] for i in columns]))


def determined(table: Table) -> list[Cell]:
    """Hidden values that the shown values and totals pin to a single number."""
    hidden = sorted(table.hidden)
    if not hidden:
        return []
    index = {cell: n for n, cell in enumerate(hidden)}
    nr, nc = table.shape
    a_eq: list[list[float]] = []
    b_eq: list[float] = []

    def add(cells: list[Cell], total: Cell) -> None:
        row = [0.0] * len(hidden)
        rhs = 0.0
        for cell, sign in [(c, 1.0) for c in cells] + [(total, -1.0)]:
            if cell in index:
                row[index[cell]] += sign
            else:
                rhs -= sign * table.values[cell[0]][cell[1]]
        if any(row):
            a_eq.append(row)
            b_eq.append(rhs)

    for i in range(nr + 1):
        add([(i, j) for j in range(nc)], (i, nc))
    for j in range(nc + 1):
        add([(i, j) for i in range(nr)], (nr, j))
    out = []
    for cell, n in index.items():
        objective = [0.0] * len(hidden)
        objective[n] = 1.0
        low = linprog(objective, A_eq=a_eq or None, b_eq=b_eq or None, bounds=(0, None))
        objective[n] = -1.0
        high = linprog(objective, A_eq=a_eq or None, b_eq=b_eq or None, bounds=(0, None))
        if low.status == 0 and high.status == 0 and abs(-high.fun - low.fun) < 1e-6:
            out.append(cell)
    return out


def shown_small(table: Table, k: int) -> list[Cell]:
    nr, nc = table.shape
    return [
        (i, j)
        for i in range(nr + 1)
        for j in range(nc + 1)
        if (v := table.shown(i, j)) is not None and 0 < v < k
    ]
