"""Which source ids a run has already taken from its file, in little memory.

Ids are kept as 64-bit hashes: a sorted numpy array for the bulk (with the row that gave
each, as 32-bit numbers) plus a small dict for the newest, merged into the array by
insertion now and then. A million ids cost about 12 MB; a hash collision
(about one chance in 10^7 for a million ids) would wrongly report a duplicate, which the
reject report would show.
"""

from __future__ import annotations

import numpy as np

MERGE_AT = 50_000


class SeenIds:
    def __init__(self) -> None:
        self.main = np.empty(0, dtype=np.int64)
        self.recent: dict[int, int] = {}
        self.rows = np.empty(0, dtype=np.int32)

    def __len__(self) -> int:
        return len(self.main) + len(self.recent)

    def claim(self, items: list[tuple[str, int]]) -> list[int | None]:
        """For each (source id, row): ``None`` if the id is new (it is now taken), else
        the row that took it first. Ids repeated inside ``items`` count too."""
        keys = [hash(sid) for sid, _ in items]
        earlier: list[int | None] = [None] * len(items)
        if len(self.main) and keys:
            wanted = np.fromiter(keys, dtype=np.int64, count=len(keys))
            pos = np.minimum(np.searchsorted(self.main, wanted), len(self.main) - 1)
            hits = np.nonzero(self.main[pos] == wanted)[0]
            for i in hits.tolist():
                earlier[i] = int(self.rows[pos[i]])
        recent = self.recent
        for i, key in enumerate(keys):
            if earlier[i] is None:
                if key in recent:
                    earlier[i] = recent[key]
                else:
                    recent[key] = items[i][1]
        if len(recent) >= MERGE_AT:
            self._merge()
        return earlier

    def _merge(self) -> None:
        keys = np.fromiter(self.recent.keys(), dtype=np.int64, count=len(self.recent))
        rows = np.fromiter(self.recent.values(), dtype=np.int32, count=len(self.recent))
        order = np.argsort(keys)
        keys, rows = keys[order], rows[order]
        at = np.searchsorted(self.main, keys)
        self.main = np.insert(self.main, at, keys)
        self.rows = np.insert(self.rows, at, rows)
        self.recent = {}
