"""Group scored pairs into clusters (one incident each), honouring review decisions.

1. Pairs at or above the threshold, and pairs a coordinator *confirmed*, join their
   reports into connected components; pairs a coordinator *split* are left out.
2. A component of two reports is a cluster. A larger one is re-grouped by average
   linkage over every scored pair inside it (pairs scored below the threshold count as
   evidence against): two groups merge only while the mean probability of the pairs
   between them stays at or above the threshold. This stops one weak link chaining two
   incidents together. Confirmed pairs count as certain; a merge that would put a split
   pair in one cluster never happens, even through other reports.
3. Two reports of one source that reports each event once (``exclusive``) never share a
   cluster: within a group of three or more, a merge that would bring two of them
   together does not happen (it is as if they were split).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

Pair = tuple[str, str]


def cluster(
    ids: Sequence[str],
    pairs: pd.DataFrame,
    *,
    threshold: float,
    cohesion: float = 0.5,
    confirmed: Iterable[Pair] = (),
    split: Iterable[Pair] = (),
    exclusive: Sequence[str | None] | None = None,
) -> np.ndarray:
    """Cluster label per id (same label = same incident).

    ``pairs`` has ``unique_id_l``, ``unique_id_r`` and ``match_probability`` for every
    scored pair (including pairs below the threshold, which weigh against merging).
    ``exclusive`` gives, per id, a label (its source) of which a cluster holds at most
    one, or None.
    """
    index = {uid: i for i, uid in enumerate(ids)}
    n = len(index)
    left = pairs["unique_id_l"].map(index)
    right = pairs["unique_id_r"].map(index)
    keep = left.notna() & right.notna()
    a_all = left[keep].to_numpy(dtype=np.int64)
    b_all = right[keep].to_numpy(dtype=np.int64)
    p_all = pairs["match_probability"][keep].to_numpy(dtype=float)

    def known(pairs_in: Iterable[Pair]) -> list[tuple[int, int]]:
        return [(index[a], index[b]) for a, b in pairs_in if a in index and b in index]

    must = known(confirmed)
    cannot = {(min(a, b), max(a, b)) for a, b in known(split)}
    if must:
        a_all = np.concatenate([a_all, [a for a, _ in must]]).astype(np.int64)
        b_all = np.concatenate([b_all, [b for _, b in must]]).astype(np.int64)
        p_all = np.concatenate([p_all, np.full(len(must), np.inf)])
    lo, hi = np.minimum(a_all, b_all), np.maximum(a_all, b_all)
    banned = np.array([(x, y) in cannot for x, y in zip(lo, hi, strict=True)], dtype=bool)
    strong = (p_all >= threshold) & ~banned
    graph = coo_matrix(
        (np.ones(int(strong.sum()), dtype=np.int8), (lo[strong], hi[strong])), shape=(n, n)
    )
    labels = connected_components(graph, directed=False)[1]
    sizes = np.bincount(labels)
    big = sizes[labels[lo]] > 2
    inside = labels[lo] == labels[hi]
    sel = big & inside
    if not sel.any():
        return labels
    comp = labels[lo[sel]]
    by_comp = np.argsort(comp, kind="stable")
    comp = comp[by_comp]
    ea, eb = lo[sel][by_comp].tolist(), hi[sel][by_comp].tolist()
    ep, ex = p_all[sel][by_comp].tolist(), banned[sel][by_comp].tolist()
    edge_starts = np.searchsorted(comp, np.unique(comp))
    edge_ends = np.append(edge_starts[1:], len(comp))
    order = np.argsort(labels, kind="stable")
    starts = np.searchsorted(labels[order], np.arange(len(sizes) + 1))
    next_label = n
    for s, e in zip(edge_starts.tolist(), edge_ends.tolist(), strict=True):
        component = int(comp[s])
        nodes = order[starts[component] : starts[component + 1]].tolist()
        edges = zip(ea[s:e], eb[s:e], ep[s:e], ex[s:e], strict=True)
        kinds = {v: exclusive[v] for v in nodes if exclusive[v] is not None} if exclusive else {}
        for members in _average_linkage(nodes, edges, cohesion, kinds):
            labels[members] = next_label
            next_label += 1
    return labels


def _average_linkage(
    nodes: list[int],
    edges: Iterable[tuple[int, int, float, bool]],
    threshold: float,
    kinds: dict[int, str] | None = None,
) -> list[list[int]]:
    """Merge groups in order of mean cross-pair probability while it is >= threshold;
    never two groups that each hold a node of one kind (``kinds``), unless confirmed."""
    members = {v: [v] for v in nodes}
    held: dict[int, set[str]] = {v: {k} for v, k in (kinds or {}).items()}
    # stats[(x, y)] = [sum of probabilities, number of scored pairs, banned?] for roots x<y
    stats: dict[tuple[int, int], list[float]] = {}
    for a, b, p, x in edges:
        key = (a, b)
        s = stats.setdefault(key, [0.0, 0.0, 0.0])
        s[0] += 1.0 if p == np.inf else p
        s[1] += 1.0
        s[2] = max(s[2], 1.0 if x else 0.0)
        if p == np.inf:
            s[2] = -1.0  # confirmed: certain, whatever the mean
    neighbours: dict[int, set[int]] = {v: set() for v in nodes}
    for a, b in stats:
        neighbours[a].add(b)
        neighbours[b].add(a)

    def score(s: list[float]) -> float:
        if s[2] > 0:
            return -1.0
        return 2.0 if s[2] < 0 else s[0] / s[1]

    heap = [(-score(s), a, b) for (a, b), s in stats.items()]
    heapq.heapify(heap)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        current = stats.get((a, b))
        if current is None or -neg != score(current):
            continue
        if -neg < threshold:
            break
        if current[2] >= 0 and held.get(a, set()) & held.get(b, set()):
            continue  # two reports of one exclusive source: never one incident
        # merge b into a
        members[a].extend(members.pop(b))
        held.setdefault(a, set()).update(held.pop(b, set()))
        stats.pop((a, b))
        for c in neighbours.pop(b) - {a}:
            sb = stats.pop((min(b, c), max(b, c)), [0.0, 0.0, 0.0])
            key = (min(a, c), max(a, c))
            sa = stats.get(key)
            if sa is None:
                stats[key] = sb
                neighbours[a].add(c)
            else:
                merged = [sa[0] + sb[0], sa[1] + sb[1], 0.0]
                if sa[2] > 0 or sb[2] > 0:
                    merged[2] = 1.0
                elif sa[2] < 0 or sb[2] < 0:
                    merged[2] = -1.0
                stats[key] = merged
            neighbours[c].discard(b)
            neighbours[c].add(a)
            heapq.heappush(heap, (-score(stats[key]), key[0], key[1]))
        neighbours[a].discard(b)
    return list(members.values())
