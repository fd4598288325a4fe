"""Latent-class capture–recapture (LCMCR-style; Manrique-Vallier 2016, *Biometrics* 72(4)).

Every incident belongs to one of ``K`` latent classes; within class ``k`` list ``j``
records it with probability ``lam[j, k]``, independently of the other lists. Classes
carry the heterogeneity that every list shares (incidents easy for all lists to see sit
in classes with high ``lam``), which a log-linear model of list dependence cannot absorb.

Model and priors, as in the paper:

- class weights ``nu`` by truncated stick-breaking (a Dirichlet process with ``K``
  sticks): ``V_k ~ Beta(1, alpha)``, ``nu_k = V_k prod_{l<k} (1 - V_l)``, ``V_K = 1``;
- concentration ``alpha ~ Gamma(a, b)`` (shape, rate; ``a = b = 1/4``);
- ``lam[j, k] ~ Beta(1/2, 1)`` — here the one departure from the paper's ``Beta(1, 1)``:
  the uniform prior makes a class that every list barely sees improbable a priori, and
  under shared heterogeneity that prior, not the data, sets the upper end of the
  interval (coverage 0.40–0.65 in the simulations); ``Beta(1/2, 1)`` leaves that
  possibility open (docs/estimation.md gives both);
- total ``N`` with the improper prior ``p(N) ∝ 1/N``.

The data-augmentation Gibbs sampler works on cell counts, never on individuals: each
sweep splits the count of every observed capture history among the classes
(multinomial), draws ``lam`` (beta), the sticks (beta, in log space), the number of
unrecorded incidents ``n0 | n, params ~ NegBinomial(n, 1 - p0)`` with
``p0 = sum_k nu_k prod_j (1 - lam[j, k])`` (the draw that the ``1/N`` prior makes
exact), their classes (multinomial), and ``alpha`` (gamma). Everything is vectorised
over a batch of chains — several chains of one table, or chains of many tables at once
(the simulation harness) — so a sweep costs a few numpy calls whatever the batch.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ulinzi.analysis.estimation.tables import OverlapTable

CLASSES = 10
A_ALPHA = 0.25
B_ALPHA = 0.25
PRIOR_LAMBDA = (0.5, 1.0)  # Beta prior of every capture probability (paper: (1, 1))
CHAINS = 4
BURN_IN = 2000
ITERATIONS = 5000  # kept per chain, after burn-in
SEED = 2016
WARM_UP = 500  # sweeps with alpha held, before burn-in (as the reference sampler does)


@dataclass
class Draws:
    """Draws of the total ``N`` for each table of a batch: ``totals[t]`` has shape
    ``(chains, iterations)``."""

    totals: np.ndarray  # (tables, chains, iterations)
    occupied: np.ndarray  # (tables,) mean number of classes holding incidents
    seconds: float


@dataclass
class LatentClassPosterior:
    n_observed: int
    draws: np.ndarray  # (chains, iterations) totals N
    occupied: float
    seconds: float
    seed: int | None = None

    def quantile(self, q: float) -> float:
        return float(np.quantile(self.draws, q))

    @property
    def mean(self) -> float:
        return float(self.draws.mean())

    @property
    def rhat(self) -> float:
        return split_rhat(np.log(self.draws))

    @property
    def ess(self) -> float:
        return effective_size(np.log(self.draws))


def _log_gamma(rng: np.random.Generator, shape: np.ndarray) -> np.ndarray:
    """log of Gamma(shape, 1) draws, exact for small shapes (where the draw itself
    underflows): ``log G(s) = log G(s + 1) + log(U) / s``."""
    small = shape < 1
    g = np.log(rng.gamma(np.where(small, shape + 1, shape)))
    u = rng.random(shape.shape)
    return np.where(small, g + np.log(u) / np.where(small, shape, 1.0), g)


def _sticks(
    rng: np.random.Generator, counts: np.ndarray, alpha: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Class weights given the class counts ``(B, K)``: log nu and log of the last stick."""
    after = counts[:, ::-1].cumsum(axis=1)[:, ::-1] - counts  # incidents in later classes
    ga = _log_gamma(rng, 1.0 + counts[:, :-1])
    gb = _log_gamma(rng, alpha[:, None] + after[:, :-1])
    total = np.logaddexp(ga, gb)
    log_v, log_rest = ga - total, gb - total
    before = np.concatenate([np.zeros((len(counts), 1)), np.cumsum(log_rest, axis=1)], axis=1)
    log_nu = before.copy()
    log_nu[:, :-1] += log_v
    return log_nu, before[:, -1]


def _class_probs(log_w: np.ndarray) -> np.ndarray:
    p = np.exp(log_w - log_w.max(axis=-1, keepdims=True))
    return p / p.sum(axis=-1, keepdims=True)


def gibbs(
    cells: np.ndarray,
    counts: np.ndarray,
    *,
    chains: int = CHAINS,
    classes: int = CLASSES,
    burn_in: int = BURN_IN,
    iterations: int = ITERATIONS,
    seed: int | None = SEED,
    warm_up: int = WARM_UP,
    a_alpha: float = A_ALPHA,
    b_alpha: float = B_ALPHA,
    prior_lam: tuple[float, float] = PRIOR_LAMBDA,
) -> Draws:
    """Run ``chains`` chains for each table; ``cells`` is ``(M, J)`` 0/1 (observed
    capture histories), ``counts`` is ``(tables, M)``."""
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    x = np.asarray(cells, dtype=float)
    xt = np.ascontiguousarray(x.T)
    y = np.repeat(np.asarray(counts, dtype=np.int64), chains, axis=0)  # (B, M)
    b_size, k = len(y), classes
    n = y.sum(axis=1).astype(float)
    marginal = (y @ x) / n[:, None]  # (B, J): share of each list among the recorded
    lam = np.clip(marginal[:, :, None] * rng.uniform(0.5, 1.5, (b_size, x.shape[1], k)),
                  0.02, 0.98)  # fmt: skip
    log_nu = np.full((b_size, k), -np.log(k))
    alpha = np.ones(b_size)
    z0 = np.zeros((b_size, k), dtype=np.int64)
    kept = np.empty((b_size, iterations), dtype=np.int64)
    occupied = np.zeros(b_size)
    for sweep in range(warm_up + burn_in + iterations):
        log_miss = np.log1p(-lam)
        all_missed = log_miss.sum(axis=1)  # (B, K)
        # Split every observed cell's count among the classes.
        log_w = x @ (np.log(lam) - log_miss) + (log_nu + all_missed)[:, None, :]
        z = rng.multinomial(y, _class_probs(log_w))  # (B, M, K)
        in_class = z.sum(axis=1)  # (B, K)
        seen = xt @ z.astype(float)
        lam = rng.beta(prior_lam[0] + seen, prior_lam[1] + (in_class + z0)[:, None, :] - seen)
        lam = np.clip(lam, 1e-12, 1 - 1e-12)
        per_class = in_class + z0
        log_nu, log_last = _sticks(rng, per_class, alpha)
        # The unrecorded: how many, and in which classes.
        log_zero = log_nu + np.log1p(-lam).sum(axis=1)  # (B, K)
        top = log_zero.max(axis=1)
        p0 = np.exp(top) * np.exp(log_zero - top[:, None]).sum(axis=1)
        n0 = rng.negative_binomial(n, np.clip(1.0 - p0, 1e-12, 1.0))
        z0 = rng.multinomial(n0, _class_probs(log_zero))
        if sweep >= warm_up:
            alpha = rng.gamma(a_alpha + k - 1, 1.0 / (b_alpha - log_last))
        if sweep >= warm_up + burn_in:
            i = sweep - warm_up - burn_in
            kept[:, i] = n0
            occupied += (per_class > 0).sum(axis=1)
    totals = (kept + n[:, None].astype(np.int64)).reshape(-1, chains, iterations)
    return Draws(
        totals=totals,
        occupied=(occupied / iterations).reshape(-1, chains).mean(axis=1),
        seconds=time.perf_counter() - start,
    )


def posterior(
    table: OverlapTable,
    *,
    chains: int | None = None,
    burn_in: int | None = None,
    iterations: int | None = None,
    seed: int | None = SEED,
) -> LatentClassPosterior:
    """Posterior draws of the total of ``table``; the same seed gives the same draws.
    Unset lengths take the module's ``CHAINS``, ``BURN_IN`` and ``ITERATIONS`` (and
    ``WARM_UP``), read at call time."""
    rows, counts = table.full()
    d = gibbs(
        rows,
        counts[None, :],
        chains=chains or CHAINS,
        burn_in=BURN_IN if burn_in is None else burn_in,
        iterations=iterations or ITERATIONS,
        seed=seed,
        warm_up=WARM_UP,
    )
    return LatentClassPosterior(
        n_observed=table.observed,
        draws=d.totals[0],
        occupied=float(d.occupied[0]),
        seconds=d.seconds,
        seed=seed,
    )


def split_rhat(draws: np.ndarray) -> float:
    """Split-chain potential scale reduction (Gelman et al., BDA3 §11.4) of
    ``(chains, iterations)`` draws: near 1 when the chains agree."""
    half = draws.shape[1] // 2
    parts = np.concatenate([draws[:, :half], draws[:, half : 2 * half]], axis=0)
    _, n = parts.shape
    within = parts.var(axis=1, ddof=1).mean()
    between = n * parts.mean(axis=1).var(ddof=1)
    if within <= 0:
        return 1.0
    pooled = (n - 1) / n * within + between / n
    return float(np.sqrt(pooled / within))


def effective_size(draws: np.ndarray) -> float:
    """Effective number of independent draws over all chains (autocorrelations summed
    until the first negative pair, Geyer 1992)."""
    m, n = draws.shape
    centred = draws - draws.mean(axis=1, keepdims=True)
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(centred, size, axis=1)
    acov = np.fft.irfft(f * np.conj(f), size, axis=1)[:, :n].mean(axis=0) / n
    var = centred.var(axis=1).mean()
    if var <= 0:
        return float(m * n)
    rho = acov / acov[0]
    total = 0.0
    for t in range(0, n - 1, 2):
        pair = rho[t] + rho[t + 1]
        if pair < 0:
            break
        total += pair
    tau = -1.0 + 2.0 * total  # = 1 + 2 * (sum of the autocorrelations kept)
    return float(m * n / max(tau, 1e-9))
