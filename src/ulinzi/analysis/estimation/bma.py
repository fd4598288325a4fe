"""Bayesian model averaging over decomposable graphical log-linear models (dga-style).

For every decomposable graph ``G`` over the lists and every candidate number of
unrecorded incidents ``n0``, the completed ``2**k`` table has a closed-form marginal
likelihood under a hyper-Dirichlet prior (each full cell a priori ``delta``):

    log p(n | G, N) = log N! - log n0! - sum log n_h!
                      + sum_cliques H(n_C) - sum_separators H(n_S)
    H(n_A) = lgamma(a) - lgamma(a + N) + sum_cells [lgamma(a_A + n_A,c) - lgamma(a_A)]

with ``a = delta * 2**k`` and ``a_A = delta * 2**(k - |A|)``. With a prior on ``N``
(``1/N`` by default) and a uniform prior over graphs, the posterior of ``N`` averages
over every model by its posterior weight. This follows Madigan & York (1997) and the R
package ``dga`` (Johndrow, Lum & Madigan), re-implemented on numpy/scipy.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np
from scipy.special import gammaln, logsumexp

from ulinzi.analysis.estimation.graphs import Graph, decomposable
from ulinzi.analysis.estimation.tables import OverlapTable

GRID_POINTS = 4000


@dataclass
class Posterior:
    n_observed: int
    grid: np.ndarray  # candidate totals N
    density: np.ndarray  # posterior probability of each grid point (sums to 1)
    graphs: tuple[Graph, ...]
    weights: np.ndarray  # posterior probability of each graph
    truncated: bool

    def quantile(self, q: float) -> float:
        cdf = np.cumsum(self.density)
        return float(self.grid[min(int(np.searchsorted(cdf, q)), len(self.grid) - 1)])

    @property
    def mean(self) -> float:
        return float((self.grid * self.density).sum())


def _marginal_counts(table: OverlapTable, subset: frozenset[int]) -> tuple[np.ndarray, int]:
    """Observed counts per cell of the marginal table on ``subset``; index of the
    all-zero cell (which also holds the unrecorded incidents)."""
    idx = sorted(subset)
    cells = list(product((0, 1), repeat=len(idx)))
    counts = np.zeros(len(cells))
    position = {c: i for i, c in enumerate(cells)}
    for h, c in table.counts.items():
        counts[position[tuple(h[i] for i in idx)]] += c
    return counts, position[tuple(0 for _ in idx)]


def _log_h(table: OverlapTable, subset: frozenset[int], n0: np.ndarray, delta: float) -> np.ndarray:
    k = table.k
    counts, zero = _marginal_counts(table, subset)
    a_cell = delta * 2 ** (k - len(subset))
    a_all = delta * 2**k
    total = table.observed + n0
    fixed = sum(gammaln(a_cell + c) - gammaln(a_cell) for i, c in enumerate(counts) if i != zero)
    varying = gammaln(a_cell + counts[zero] + n0) - gammaln(a_cell)
    return gammaln(a_all) - gammaln(a_all + total) + fixed + varying


def _grid(limit: float) -> np.ndarray:
    if limit <= GRID_POINTS:
        return np.arange(0, int(limit) + 1, dtype=float)
    return np.linspace(0.0, limit, GRID_POINTS)


def posterior(
    table: OverlapTable,
    *,
    delta: float | None = None,
    prior: str = "1/N",
    max_missing: float | None = None,
) -> Posterior:
    """Posterior of the total over every decomposable graph of the table's lists."""
    k = table.k
    delta = delta if delta is not None else 2.0**-k
    graphs = decomposable(k)
    n_obs = table.observed
    limit = max_missing or max(200.0, 4.0 * n_obs)
    ceiling = max(2000.0, 200.0 * n_obs)
    while True:
        n0 = _grid(limit)
        total = n_obs + n0
        base = gammaln(total + 1) - gammaln(n0 + 1)
        if prior == "1/N":
            base = base - np.log(total)
        cache: dict[frozenset[int], np.ndarray] = {}

        def h(
            subset: frozenset[int],
            n0: np.ndarray = n0,
            cache: dict[frozenset[int], np.ndarray] = cache,
        ) -> np.ndarray:
            if subset not in cache:
                cache[subset] = _log_h(table, subset, n0, delta)
            return cache[subset]

        logp = np.empty((len(graphs), len(n0)))
        for g, graph in enumerate(graphs):
            value = base.copy()
            for clique in graph.cliques:
                value += h(clique)
            for sep in graph.separators:
                if sep:
                    value -= h(sep)
            logp[g] = value
        # Spacing of the grid (uneven only at its ends) as integration weights.
        step = np.gradient(n0) if len(n0) > 1 else np.ones(1)
        logp += np.log(step)[None, :]
        joint = np.exp(logp - logsumexp(logp))
        density = joint.sum(axis=0)
        tail = density[int(len(density) * 0.98) :].sum()
        if tail < 1e-4 or limit >= ceiling:
            break
        limit = min(limit * 4, ceiling)
    return Posterior(
        n_observed=n_obs,
        grid=total,
        density=density,
        graphs=graphs,
        weights=joint.sum(axis=1),
        truncated=bool(tail >= 1e-4),
    )
