"""Simulation harness: populations with known totals, lists that capture them with
heterogeneous and dependent probabilities, and how often the intervals cover the truth.

Each scenario draws ``N`` incidents and ``k`` lists. Incident ``i`` is captured by list
``j`` with probability ``logistic(logit(p_j) + sigma * z_i)``, ``z_i ~ N(0, 1)`` shared by
every list (``sigma > 0``: some incidents are easier for *all* lists to see —
heterogeneity, which log-linear models can only partly absorb); a ``hidden_share`` of
incidents has its odds of capture multiplied by ``hidden_odds`` on every list (shared
heterogeneity of two classes); list 2's odds of capture are multiplied by ``odds_ratio``
when list 1 captured the incident (list dependence: above 1 positive, below 1
negative). Run as ``ulinzi bench estimate``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from ulinzi.analysis.estimation import bma, lcmcr, loglinear
from ulinzi.analysis.estimation.tables import OverlapTable


@dataclass(frozen=True)
class Scenario:
    name: str
    total: int
    capture: tuple[float, ...]
    sigma: float = 0.0
    odds_ratio: float = 1.0
    hidden_share: float = 0.0  # share of incidents that every list sees less well
    hidden_odds: float = 1.0  # their odds of capture, relative, on every list


P4 = (0.3, 0.25, 0.2, 0.35)
SCENARIOS = (
    Scenario("independent lists", 1000, P4),
    Scenario("positive dependence (lists 1-2, OR 4)", 1000, P4, odds_ratio=4),
    Scenario("negative dependence (lists 1-2, OR 0.25)", 1000, P4, odds_ratio=0.25),
    Scenario("heterogeneity (sigma 1)", 1000, P4, sigma=1.0),
    Scenario("heterogeneity and dependence", 1000, P4, sigma=1.0, odds_ratio=4),
    Scenario("three lists, independent", 600, (0.4, 0.3, 0.3)),
    Scenario("five lists, dependence", 1500, (0.3, 0.2, 0.2, 0.15, 0.25), odds_ratio=3),
    Scenario("shared heterogeneity: 30 % of incidents at 1/4 the odds", 1000,
             (0.5, 0.45, 0.4, 0.55), hidden_share=0.3, hidden_odds=0.25),
)  # fmt: skip


def draw(scenario: Scenario, rng: np.random.Generator) -> np.ndarray:
    """Capture matrix (incidents × lists) of one population."""
    base = np.log(np.array(scenario.capture) / (1 - np.array(scenario.capture)))
    z = rng.normal(0.0, 1.0, scenario.total) * scenario.sigma
    if scenario.hidden_share:
        hidden = rng.random(scenario.total) < scenario.hidden_share
        z += np.where(hidden, np.log(scenario.hidden_odds), 0.0)
    logits = base[None, :] + z[:, None]
    caught = np.zeros(logits.shape, dtype=bool)
    caught[:, 0] = rng.random(scenario.total) < 1 / (1 + np.exp(-logits[:, 0]))
    shift = np.where(caught[:, 0], np.log(scenario.odds_ratio), 0.0)
    logits[:, 1] += shift
    caught[:, 1:] = rng.random((scenario.total, len(base) - 1)) < 1 / (1 + np.exp(-logits[:, 1:]))
    return caught


def table_of(caught: np.ndarray) -> OverlapTable:
    """The overlap table of a capture matrix, every list kept (even one that saw nothing)."""
    k = caught.shape[1]
    codes = caught.astype(int) @ (1 << np.arange(k - 1, -1, -1))
    tally = np.bincount(codes, minlength=2**k)
    hist = [tuple((c >> (k - 1 - j)) & 1 for j in range(k)) for c in range(2**k)]
    return OverlapTable(
        lists=tuple(f"L{j + 1}" for j in range(k)),
        counts={hist[c]: int(tally[c]) for c in range(1, 2**k) if tally[c]},
    )


def one_run(table: OverlapTable, *, loglin: bool = True) -> dict[str, Any]:
    post = bma.posterior(table)
    out = {
        "bma": (post.quantile(0.5), post.quantile(0.025), post.quantile(0.975)),
        "observed": table.observed,
    }
    if loglin:
        fits = loglinear.fit_all(table)
        if fits:
            best = fits[int(np.argmax(loglinear.weights(fits, "bic")))]
            lo, hi = loglinear.profile_interval(table, best)
            out["loglinear"] = (best.n_hat, lo, hi)
    return out


def latent_class_runs(
    tables: list[OverlapTable],
    *,
    chains: int,
    iterations: int,
    seed: int,
    burn_in: int = lcmcr.BURN_IN,
    warm_up: int = lcmcr.WARM_UP,
) -> list[tuple[float, float, float]]:
    """Median and 95 % interval of the latent-class posterior of every table, all
    tables' chains run as one batch."""
    rows, _ = tables[0].full()
    counts = np.array([t.full()[1] for t in tables])
    d = lcmcr.gibbs(rows, counts, chains=chains, iterations=iterations, seed=seed,
                    burn_in=burn_in, warm_up=warm_up)  # fmt: skip
    flat = d.totals.reshape(len(tables), -1)
    q = np.quantile(flat, [0.5, 0.025, 0.975], axis=1)
    return [(float(a), float(b), float(c)) for a, b, c in q.T]


def evaluate(
    scenario: Scenario,
    *,
    reps: int,
    seed: int = 1,
    loglin: bool = True,
    latent: bool = False,
    chains: int = 2,
    iterations: int = lcmcr.ITERATIONS,
) -> dict[str, Any]:
    """Coverage of the 95 % intervals, relative bias and width over ``reps`` populations."""
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    tables = [table_of(draw(scenario, rng)) for _ in range(reps)]
    runs = [one_run(t, loglin=loglin) for t in tables]
    seconds = {"bma": time.perf_counter() - start}
    if latent:
        begin = time.perf_counter()
        found = latent_class_runs(tables, chains=chains, iterations=iterations, seed=seed)
        for run, value in zip(runs, found, strict=True):
            run["latent_class"] = value
        seconds["latent_class"] = time.perf_counter() - begin
    result: dict[str, Any] = {
        "scenario": scenario.name,
        "total": scenario.total,
        "reps": reps,
        "observed_mean": round(float(np.mean([r["observed"] for r in runs])), 1),
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
    }
    for method in ("bma", "loglinear", "latent_class"):
        values = [r[method] for r in runs if method in r]
        if not values:
            continue
        est, lo, hi = (np.array(v, dtype=float) for v in zip(*values, strict=True))
        n = scenario.total
        result[method] = {
            "coverage": round(float(np.mean((lo <= n) & (n <= hi))), 3),
            "relative_bias": round(float(np.mean(est - n) / n), 4),
            "relative_rmse": round(float(np.sqrt(np.mean((est - n) ** 2)) / n), 4),
            "relative_width": round(float(np.mean(hi - lo) / n), 4),
            "runs": len(values),
        }
    return result
