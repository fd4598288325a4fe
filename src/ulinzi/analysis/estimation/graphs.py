"""Decomposable graphical models over ``k`` lists: enumeration, cliques, separators.

An edge between two lists says their captures may depend on each other (given the
rest). A decomposable (chordal) graph has a closed-form marginal likelihood under a
hyper-Dirichlet prior, which is what makes Bayesian model averaging over all of them
cheap (Madigan & York 1997; the approach of the R package ``dga``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

Edge = tuple[int, int]


@dataclass(frozen=True)
class Graph:
    k: int
    edges: frozenset[Edge]
    cliques: tuple[frozenset[int], ...]
    separators: tuple[frozenset[int], ...]

    def label(self, names: tuple[str, ...]) -> str:
        """Cliques as ``[A,B][C]``: lists in one bracket may depend on each other."""
        return "".join("[" + ",".join(names[i] for i in sorted(c)) + "]" for c in self.cliques)

    def terms(self, *, drop_full: bool = True) -> list[frozenset[int]]:
        """Interaction terms of the hierarchical log-linear model of the graph (every
        non-empty subset of a clique); the k-way term, never identifiable, dropped."""
        out: set[frozenset[int]] = set()
        for clique in self.cliques:
            for size in range(1, len(clique) + 1):
                out.update(frozenset(s) for s in combinations(sorted(clique), size))
        if drop_full:
            out.discard(frozenset(range(self.k)))
        return sorted(out, key=lambda t: (len(t), sorted(t)))


def _adjacent(edges: frozenset[Edge], a: int, b: int) -> bool:
    return (min(a, b), max(a, b)) in edges


def _complete(edges: frozenset[Edge], nodes: tuple[int, ...]) -> bool:
    return all(_adjacent(edges, a, b) for a, b in combinations(nodes, 2))


def _chordal(k: int, edges: frozenset[Edge]) -> bool:
    """No induced cycle of length four or more."""
    for size in range(4, k + 1):
        for nodes in combinations(range(k), size):
            inside = [(a, b) for a, b in combinations(nodes, 2) if _adjacent(edges, a, b)]
            degree = {n: 0 for n in nodes}
            for a, b in inside:
                degree[a] += 1
                degree[b] += 1
            if len(inside) == size and all(d == 2 for d in degree.values()):
                return False  # a chordless cycle through every node of the subset
    return True


def _cliques(k: int, edges: frozenset[Edge]) -> list[frozenset[int]]:
    complete = [
        frozenset(nodes)
        for size in range(1, k + 1)
        for nodes in combinations(range(k), size)
        if _complete(edges, nodes)
    ]
    return [c for c in complete if not any(c < other for other in complete)]


def _separators(cliques: list[frozenset[int]]) -> list[frozenset[int]]:
    """Separators of a junction tree: maximum spanning tree over clique intersections."""
    if len(cliques) < 2:
        return []
    candidates = sorted(
        ((len(a & b), i, j) for (i, a), (j, b) in combinations(enumerate(cliques), 2)),
        reverse=True,
    )
    parent = list(range(len(cliques)))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    out = []
    for _size, i, j in candidates:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[ri] = rj
            out.append(cliques[i] & cliques[j])
    return out


@lru_cache(maxsize=8)
def decomposable(k: int) -> tuple[Graph, ...]:
    """Every decomposable graph on ``k`` lists (8 for 3, 61 for 4, 822 for 5)."""
    pairs = list(combinations(range(k), 2))
    graphs = []
    for mask in range(2 ** len(pairs)):
        edges = frozenset(p for i, p in enumerate(pairs) if mask >> i & 1)
        if not _chordal(k, edges):
            continue
        cliques = _cliques(k, edges)
        graphs.append(
            Graph(k=k, edges=edges, cliques=tuple(cliques), separators=tuple(_separators(cliques)))
        )
    return tuple(graphs)
