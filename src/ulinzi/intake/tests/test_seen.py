"""The duplicate-id memory of a run: exact answers across merges, little memory."""

from __future__ import annotations

from typing import Any

from ulinzi.intake import seen


def test_claims_across_merges(monkeypatch: Any) -> None:
    monkeypatch.setattr(seen, "MERGE_AT", 1000)
    ids = seen.SeenIds()
    names = [f"id-{i}" for i in range(20_000)]
    assert ids.claim([(n, i) for i, n in enumerate(names[:7000])]) == [None] * 7000
    assert ids.claim([(n, 7000 + i) for i, n in enumerate(names[7000:])]) == [None] * 13_000
    got = ids.claim([(names[5], 1), (names[15_000], 2), ("new", 3), ("new", 4)])
    assert got == [5, 15_000, None, 3]
    assert len(ids) == 20_001
    assert ids.main.nbytes + ids.rows.nbytes <= 12 * len(ids)
