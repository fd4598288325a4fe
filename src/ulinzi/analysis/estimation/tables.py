"""Overlap tables: how many incidents each combination of lists (sources) recorded.

A table over ``k`` lists has up to ``2**k - 1`` observed capture histories (which lists
recorded an incident); the all-zero history, incidents no list recorded, is what the
estimators estimate.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ulinzi.common.problems import FieldProblem, InvalidInput

MAX_LISTS = 5


@dataclass(frozen=True)
class OverlapTable:
    """Counts per capture history; ``histories[i]`` is a 0/1 vector over ``lists``."""

    lists: tuple[str, ...]
    counts: dict[tuple[int, ...], int]

    @property
    def k(self) -> int:
        return len(self.lists)

    @property
    def observed(self) -> int:
        return int(sum(self.counts.values()))

    def full(self) -> tuple[np.ndarray, np.ndarray]:
        """Every history except all-zero (rows) and its count, in a fixed order."""
        rows = [h for h in _histories(self.k) if any(h)]
        return np.array(rows, dtype=int), np.array([self.counts.get(h, 0) for h in rows])

    def per_list(self) -> dict[str, int]:
        return {
            name: int(sum(c for h, c in self.counts.items() if h[i]))
            for i, name in enumerate(self.lists)
        }

    def collapse(self, keep: int = MAX_LISTS) -> OverlapTable:
        """At most ``keep`` lists: the largest ``keep - 1`` kept, the rest pooled as one."""
        if self.k <= keep:
            return self
        sizes = self.per_list()
        order = sorted(range(self.k), key=lambda i: -sizes[self.lists[i]])
        kept, pooled = order[: keep - 1], order[keep - 1 :]
        names = (*tuple(self.lists[i] for i in kept), "+".join(self.lists[i] for i in pooled))
        out: Counter[tuple[int, ...]] = Counter()
        for h, c in self.counts.items():
            out[(*tuple(h[i] for i in kept), int(any(h[i] for i in pooled)))] += c
        return OverlapTable(lists=names, counts=dict(out))

    def as_rows(self) -> list[dict[str, int]]:
        rows, counts = self.full()
        return [
            {**{n: int(v) for n, v in zip(self.lists, row, strict=True)}, "count": int(c)}
            for row, c in zip(rows, counts, strict=True)
        ]


def _histories(k: int) -> list[tuple[int, ...]]:
    return [tuple((i >> (k - 1 - j)) & 1 for j in range(k)) for i in range(2**k)]


def from_memberships(memberships: Iterable[Iterable[str]]) -> OverlapTable:
    """A table from the set of lists that recorded each incident."""
    sets = [frozenset(m) for m in memberships]
    lists = tuple(sorted(set().union(*sets))) if sets else ()
    counts: Counter[tuple[int, ...]] = Counter()
    for s in sets:
        if s:
            counts[tuple(int(name in s) for name in lists)] += 1
    return OverlapTable(lists=lists, counts=dict(counts))


def from_csv(text: str) -> OverlapTable:
    """Read an overlap table: one 0/1 column per list (named after it) and ``count``."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if "count" not in header:
        raise InvalidInput([FieldProblem("count", "the table needs a 'count' column")])
    lists = tuple(h for h in header if h != "count")
    if len(lists) < 2:
        raise InvalidInput([FieldProblem("lists", "the table needs at least two list columns")])
    counts: Counter[tuple[int, ...]] = Counter()
    problems: list[FieldProblem] = []
    for line, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        try:
            history = tuple(int(row[name]) for name in lists)
            count = int(float(row["count"]))
        except (ValueError, KeyError):
            problems.append(FieldProblem(f"line {line}", "needs 0/1 per list and a whole count"))
            continue
        if any(v not in (0, 1) for v in history) or count < 0:
            problems.append(FieldProblem(f"line {line}", "lists are 0 or 1, counts >= 0"))
            continue
        if not any(history):
            if count:
                problems.append(
                    FieldProblem(f"line {line}", "the all-zero history cannot be observed")
                )
            continue
        counts[history] += count
    if problems:
        raise InvalidInput(problems[:20])
    if not counts:
        raise InvalidInput([FieldProblem("count", "the table has no incidents")])
    return OverlapTable(lists=lists, counts=dict(counts))
