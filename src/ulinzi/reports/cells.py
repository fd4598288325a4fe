"""Small-cell suppression in frequency tables, with complementary suppression.

A table has rows, columns, a total per row and per column and a grand total (totals are
always the sums of the cells, so the table is additive). A cell (or total) from 1 to
``k - 1`` is suppressed (*primary*). Then, so that no hidden value can be recomputed from
the totals that are shown, more cells are hidden (*complementary*):

1. every row and column (totals included) with a hidden value gets at least a second one,
   the smallest positive value there (a total only if nothing else is left);
2. seen as a graph (row and column nodes, one edge per hidden value), a hidden value that
   lies on no cycle (a *bridge*) is still fixed by the equations: a shortest detour of
   other cells is hidden so that it lies on a cycle.

Zero cells are shown: "no incident" is not a small count.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

TOTAL = "__total__"
Cell = tuple[int, int]  # (row index, column index); index len(rows)/len(cols) = the total


@dataclass
class Table:
    """An additive frequency table with its totals, and which values are hidden."""

    name: str
    title: str
    row_label: str
    rows: list[str]
    cols: list[str]
    values: list[list[int]]  # (R+1) x (C+1); last row and column are the totals
    hidden: set[Cell] = field(default_factory=set)
    primary: int = 0

    @classmethod
    def from_counts(
        cls,
        name: str,
        title: str,
        row_label: str,
        counts: Mapping[tuple[str, str], int],
        *,
        rows: Sequence[str] | None = None,
        cols: Sequence[str] | None = None,
    ) -> Table:
        row_keys = list(rows) if rows is not None else sorted({r for r, _ in counts})
        col_keys = list(cols) if cols is not None else sorted({c for _, c in counts})
        ri = {r: i for i, r in enumerate(row_keys)}
        ci = {c: j for j, c in enumerate(col_keys)}
        nr, nc = len(row_keys), len(col_keys)
        values = [[0] * (nc + 1) for _ in range(nr + 1)]
        for (r, c), n in counts.items():
            if r in ri and c in ci:
                values[ri[r]][ci[c]] += n
        for i in range(nr):
            values[i][nc] = sum(values[i][:nc])
        for j in range(nc + 1):
            values[nr][j] = sum(values[i][j] for i in range(nr))
        return cls(name, title, row_label, row_keys, col_keys, values)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.cols)

    def shown(self, i: int, j: int) -> int | None:
        """The value to publish, or ``None`` where it is hidden."""
        return None if (i, j) in self.hidden else self.values[i][j]

    def lines(self) -> list[list[Cell]]:
        """Every row and every column (each with its total as the last cell)."""
        nr, nc = self.shape
        out = [[(i, j) for j in range(nc + 1)] for i in range(nr + 1)]
        out += [[(i, j) for i in range(nr + 1)] for j in range(nc + 1)]
        return out


def protect(table: Table, k: int) -> Table:
    """Hide values from 1 to ``k - 1`` and enough others that none can be recomputed."""
    nr, nc = table.shape
    if k <= 1 or nr == 0 or nc == 0:
        return table
    for i in range(nr + 1):
        for j in range(nc + 1):
            if 0 < table.values[i][j] < k:
                table.hidden.add((i, j))
    table.primary = len(table.hidden)
    while True:
        changed = _pair_lines(table)
        changed = _break_bridges(table) or changed
        if not changed:
            return table


def _pair_lines(table: Table) -> bool:
    changed = False
    again = True
    while again:
        again = False
        for line in table.lines():
            hidden = [c for c in line if c in table.hidden]
            if len(hidden) != 1:
                continue
            pick = _complement(table, line[:-1], hidden) or _complement(table, line, hidden)
            if pick is None:
                pick = next((c for c in line if c not in table.hidden), None)
            if pick is not None:
                table.hidden.add(pick)
                changed = again = True
    return changed


def _complement(table: Table, candidates: list[Cell], hidden: list[Cell]) -> Cell | None:
    """The smallest positive value among ``candidates`` not yet hidden."""
    best: Cell | None = None
    for cell in candidates:
        if cell in table.hidden or cell in hidden:
            continue
        value = table.values[cell[0]][cell[1]]
        if value > 0 and (best is None or value < table.values[best[0]][best[1]]):
            best = cell
    return best


def bridges(hidden: set[Cell]) -> list[Cell]:
    """Hidden values that lie on no cycle of the row/column graph (they are determined)."""
    adj: dict[tuple[str, int], list[tuple[tuple[str, int], Cell]]] = {}
    for cell in hidden:
        r, c = ("r", cell[0]), ("c", cell[1])
        adj.setdefault(r, []).append((c, cell))
        adj.setdefault(c, []).append((r, cell))
    order: dict[tuple[str, int], int] = {}
    low: dict[tuple[str, int], int] = {}
    found: list[Cell] = []
    counter = 0
    for root in adj:
        if root in order:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack: list[tuple[tuple[str, int], Cell | None, Iterator[Any]]] = [
            (root, None, iter(adj[root]))
        ]
        while stack:
            node, via, edges = stack[-1]
            advanced = False
            for nxt, cell in edges:
                if cell == via:
                    continue
                if nxt in order:
                    low[node] = min(low[node], order[nxt])
                else:
                    order[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append((nxt, cell, iter(adj[nxt])))
                    advanced = True
                    break
            if advanced:
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent] and via is not None:
                    found.append(via)
    return found


def _break_bridges(table: Table) -> bool:
    """Hide a cheapest 3-cell detour around each bridge so that it lies on a cycle."""
    changed = False
    for _ in range(len(table.values) * len(table.values[0]) + 1):
        found = bridges(table.hidden)
        if not found:
            return changed
        a, b = found[0]
        nr, nc = table.shape
        best: tuple[tuple[int, int], list[Cell]] | None = None
        for c in range(nc + 1):
            if c == b:
                continue
            for d in range(nr + 1):
                if d == a:
                    continue
                path = [(a, c), (d, c), (d, b)]
                new = [p for p in path if p not in table.hidden]
                cost = (
                    sum(1 for p in new if table.values[p[0]][p[1]] == 0),
                    sum(table.values[p[0]][p[1]] for p in new),
                )
                if best is None or cost < best[0]:
                    best = (cost, new)
        if best is None or not best[1]:
            return changed
        table.hidden.update(best[1])
        changed = True
    return changed
