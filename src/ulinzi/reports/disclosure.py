"""Disclosure control for record-level exports: generalise quasi-identifiers until
k-anonymity holds, and suppress the records that still stand out.

The method (see ``docs/disclosure-control.md``):

- each quasi-identifier has a generalisation hierarchy (``Hierarchy``): a month becomes a
  quarter then a year; a casualty band ``2-4`` becomes ``1-4`` then ``1+``; an incident
  type becomes ``*`` (removed);
- every combination of levels (a *scheme*) is tried in order of information loss (the
  weighted sum of the levels), and the first scheme that keeps all but at most
  ``max_suppressed`` of the records in groups of at least ``k`` wins (if none does, the
  scheme that suppresses fewest records, then loses least, wins);
- records in groups smaller than ``k`` under the chosen scheme are suppressed (left out
  and counted in the disclosure report).

Everything works on counts of distinct fine-grained keys, so the records are read once
and the search costs nothing per record.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

Key = tuple[Any, ...]

# Casualty bands, finest first; each level maps a finer band label to a coarser one.
BANDS_FINE: tuple[tuple[int, str], ...] = ((10, "10+"), (5, "5-9"), (2, "2-4"), (1, "1"), (0, "0"))
COARSER_BAND: tuple[dict[str, str], ...] = (
    {"0": "0", "1": "1-4", "2-4": "1-4", "5-9": "5+", "10+": "5+"},
    {"0": "0", "1-4": "1+", "5+": "1+"},
)
SUPPRESSED_VALUE = "*"


def band(value: int | None) -> str:
    """A count as its finest band (``0``, ``1``, ``2-4``, ``5-9``, ``10+``); unknown → ''."""
    if value is None:
        return ""
    for floor, label in BANDS_FINE:
        if value >= floor:
            return label
    return "0"


def coarsen_band(label: str, level: int) -> str:
    """The band ``label`` (finest level) at ``level`` (0 = as is, 1 = 0/1-4/5+, 2 = 0/1+)."""
    for step in COARSER_BAND[:level]:
        label = step.get(label, label)
    return label


CASUALTY_LEVELS = (
    "bands 0/1/2-4/5-9/10+",
    "bands 0/1-4/5+",
    "killed and injured 0/1-4/5+, others removed",
    "killed and injured 0/1+, others removed",
    "removed",
)


def coarsen_bands(bands: tuple[str, ...], level: int) -> tuple[str, ...]:
    """The bands of one record (killed, injured, abducted, arrested, detained) at
    ``level`` of :data:`CASUALTY_LEVELS`; removed figures read ``*``."""
    if level >= 4:
        return tuple(SUPPRESSED_VALUE for _ in bands)
    step = (0, 1, 1, 2)[level]
    out = tuple(coarsen_band(b, step) if b else "" for b in bands)
    if level >= 2:
        out = out[:2] + tuple(SUPPRESSED_VALUE for _ in out[2:])
    return out


def month_label(day: date, precision: str) -> str:
    """The finest public period of a date: ``YYYY-MM``, or ``YYYY`` if only the year is known."""
    return f"{day.year:04d}" if precision == "year" else f"{day.year:04d}-{day.month:02d}"


def coarsen_period(label: str, level: int) -> str:
    """``2024-03`` → ``2024-Q1`` (level 1) → ``2024`` (level 2); a bare year stays a year."""
    if level == 0 or len(label) == 4:
        return label
    year, month = label[:4], int(label[5:7])
    return f"{year}-Q{(month - 1) // 3 + 1}" if level == 1 else year


def coarsen_day(label: str, level: int) -> str:
    """An ISO date (or ``YYYY-MM`` / ``YYYY``) at level 0 day, 1 month, 2 year."""
    keep = (10, 7, 4)[level]
    return label[:keep]


def drop(value: Hashable, level: int) -> Hashable:
    """Level 0 keeps the value; level 1 removes it (``*``)."""
    return value if level == 0 else SUPPRESSED_VALUE


@dataclass(frozen=True)
class Hierarchy:
    """How one quasi-identifier is generalised: level names (finest first), the cost of
    each step of generalisation, and the function (fine value, level) → released value."""

    name: str
    levels: tuple[str, ...]
    weight: float
    generalise: Callable[[Any, int], Any]


@dataclass
class Scheme:
    """The chosen generalisation and what it costs."""

    levels: tuple[int, ...]
    loss: float
    suppressed: int
    group_sizes: dict[Key, int] = field(repr=False)

    def describe(self, hierarchies: Sequence[Hierarchy]) -> dict[str, str]:
        return {h.name: h.levels[lvl] for h, lvl in zip(hierarchies, self.levels, strict=True)}


class Projector:
    """Projects fine keys to released keys under a scheme, memoising each value."""

    def __init__(self, hierarchies: Sequence[Hierarchy], levels: Sequence[int]) -> None:
        self.levels = tuple(levels)
        self._steps: list[tuple[Callable[[Any, int], Any], int, dict[Any, Any]]] = [
            (h.generalise, lvl, {}) for h, lvl in zip(hierarchies, levels, strict=True)
        ]

    def __call__(self, key: Key) -> Key:
        out = []
        for (gen, lvl, memo), value in zip(self._steps, key, strict=True):
            got = memo.get(value)
            if got is None:
                got = memo[value] = gen(value, lvl)
            out.append(got)
        return tuple(out)


def loss_of(hierarchies: Sequence[Hierarchy], levels: Sequence[int]) -> float:
    """Information loss: for each attribute, weight × (level / highest level)."""
    total = 0.0
    for h, lvl in zip(hierarchies, levels, strict=True):
        top = len(h.levels) - 1
        total += h.weight * (lvl / top if top else 0.0)
    return round(total, 6)


def candidate_schemes(hierarchies: Sequence[Hierarchy]) -> list[tuple[float, tuple[int, ...]]]:
    """Every combination of levels, least loss first (ties: finer earlier attributes)."""
    ranges = [range(len(h.levels)) for h in hierarchies]
    return sorted((loss_of(hierarchies, lv), lv) for lv in itertools.product(*ranges))


def group(groups: Mapping[Key, int], projector: Projector) -> dict[Key, int]:
    out: dict[Key, int] = {}
    for key, n in groups.items():
        released = projector(key)
        out[released] = out.get(released, 0) + n
    return out


class Encoded:
    """The fine keys as integer codes per attribute, with each level's generalised code
    for every distinct value: a scheme is then evaluated with array operations."""

    def __init__(self, groups: Mapping[Key, int], hierarchies: Sequence[Hierarchy]) -> None:
        keys = list(groups)
        self.counts = np.fromiter(groups.values(), dtype=np.int64, count=len(keys))
        self.codes: list[np.ndarray] = []
        self.levels: list[list[tuple[np.ndarray, int]]] = []
        for a, h in enumerate(hierarchies):
            ids: dict[Any, int] = {}
            column = np.fromiter(
                (ids.setdefault(key[a], len(ids)) for key in keys), dtype=np.int64, count=len(keys)
            )
            distinct = list(ids)
            per_level = []
            for lvl in range(len(h.levels)):
                released: dict[Any, int] = {}
                mapped = np.array(
                    [released.setdefault(h.generalise(v, lvl), len(released)) for v in distinct],
                    dtype=np.int64,
                )
                per_level.append((mapped, max(len(released), 1)))
            self.codes.append(column)
            self.levels.append(per_level)

    def suppressed(self, levels: Sequence[int], k: int) -> int:
        """Records in released groups smaller than ``k`` under ``levels``."""
        if not len(self.counts):
            return 0
        key = np.zeros(len(self.counts), dtype=np.int64)
        bound = 1
        for column, per_level, lvl in zip(self.codes, self.levels, levels, strict=True):
            mapped, size = per_level[lvl]
            if bound * size >= 2**62:  # keep the mixed-radix key inside int64
                key = pd.factorize(key)[0].astype(np.int64)
                bound = int(key.max()) + 1
            key = key * size + mapped[column]
            bound *= size
        inverse = pd.factorize(key)[0]
        sizes = np.bincount(inverse, weights=self.counts).astype(np.int64)
        return int(self.counts[sizes[inverse] < k].sum())


def choose_scheme(
    groups: Mapping[Key, int],
    hierarchies: Sequence[Hierarchy],
    *,
    k: int,
    max_suppressed: int,
) -> Scheme:
    """The least-loss scheme that suppresses at most ``max_suppressed`` records.

    ``groups`` counts records per fine key (one value per hierarchy). If no scheme stays
    within the limit, the one that suppresses fewest records (then loses least) is used.
    A scheme less general in every attribute than one that already failed is not tried:
    it cannot suppress fewer records.
    """
    encoded = Encoded(groups, hierarchies)
    failed: list[tuple[int, ...]] = []
    best: tuple[int, float, tuple[int, ...]] | None = None
    chosen: tuple[int, float, tuple[int, ...]] | None = None
    for loss, levels in candidate_schemes(hierarchies):
        if any(all(a <= b for a, b in zip(levels, f, strict=True)) for f in failed):
            continue
        suppressed = encoded.suppressed(levels, k)
        if suppressed <= max_suppressed:
            chosen = (suppressed, loss, levels)
            break
        failed.append(levels)
        if best is None or suppressed < best[0]:
            best = (suppressed, loss, levels)
    suppressed, loss, levels = chosen or best or (0, 0.0, (0,) * len(hierarchies))
    sizes = group(groups, Projector(hierarchies, levels))
    return Scheme(levels=levels, loss=loss, suppressed=suppressed, group_sizes=sizes)


def k_achieved(sizes: Iterable[int], k: int) -> int:
    """The smallest group left after suppressing groups below ``k`` (0 if nothing is left)."""
    kept = [n for n in sizes if n >= k]
    return min(kept) if kept else 0


def smallest_group(rows: Iterable[Sequence[Hashable]]) -> int:
    """The k-anonymity of released rows (each row = its quasi-identifier values)."""
    counts = Counter(tuple(r) for r in rows)
    return min(counts.values()) if counts else 0
