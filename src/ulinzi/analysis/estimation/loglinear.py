"""Log-linear capture–recapture: Poisson GLMs over the observed capture histories.

For a model with interaction terms ``T``, the expected count of history ``h`` is
``log mu_h = b0 + sum_{t in T} b_t * prod_{i in t} h_i``; fitted to the ``2**k - 1``
observed histories (statsmodels' Poisson GLM), ``exp(b0)`` estimates the incidents no
list recorded. Models are the hierarchical models of the decomposable graphs
(:mod:`.graphs`, k-way term excluded), compared by AIC/BIC; the interval of a model is
its profile likelihood interval for ``N`` (Cormack 1992). Any other hierarchical model
(a set of interaction terms, e.g. every pairwise term but one) is fitted by
:func:`fit_terms`. The standard error of ``N`` is the multinomial one of Sanathanan
(1972) as Rcapture gives it: ``sqrt(mu0**2 var(b0) + mu0)`` with ``mu0 = exp(b0)``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from scipy.optimize import brentq
from scipy.special import gammaln
from scipy.stats import chi2

from ulinzi.analysis.estimation.graphs import Graph, decomposable
from ulinzi.analysis.estimation.tables import OverlapTable

LEVEL = 0.95


Term = frozenset[int]


@dataclass
class Fit:
    graph: Graph | None  # None for a model given by its terms alone
    label: str
    n_hat: float
    missing: float
    stderr: float
    deviance: float
    df: int
    aic: float
    bic: float
    converged: bool
    terms: tuple[Term, ...] = ()


def _design(rows: np.ndarray, terms: tuple[Term, ...]) -> np.ndarray:
    columns = [np.ones(len(rows))]
    for term in terms:
        columns.append(np.prod(rows[:, sorted(term)], axis=1))
    return np.column_stack(columns)


def _glm(y: np.ndarray, x: np.ndarray) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm.GLM(y, x, family=sm.families.Poisson()).fit(maxiter=100)


def fit(table: OverlapTable, graph: Graph) -> Fit:
    """The hierarchical model of a decomposable graph (its k-way term excluded)."""
    return fit_terms(table, tuple(graph.terms()), graph=graph)


def fit_terms(
    table: OverlapTable,
    interactions: tuple[Term, ...],
    *,
    graph: Graph | None = None,
    label: str = "",
) -> Fit:
    """The model with every list's main effect and the given interaction terms."""
    mains = tuple(frozenset({i}) for i in range(table.k))
    terms = mains + tuple(t for t in interactions if len(t) > 1)
    rows, counts = table.full()
    x = _design(rows, terms)
    result = _glm(counts, x)
    intercept = float(result.params[0])  # type: ignore[attr-defined]
    missing = math.exp(intercept) if intercept < 700 else math.inf
    n = float(counts.sum())
    df = len(counts) - x.shape[1]
    loglik = float(result.llf)  # type: ignore[attr-defined]
    var0 = float(np.asarray(result.cov_params())[0, 0])  # type: ignore[attr-defined]
    stderr = math.sqrt(missing**2 * var0 + missing) if math.isfinite(missing) else math.inf
    if not label:
        label = graph.label(table.lists) if graph else _label(table.lists, terms)
    return Fit(
        graph=graph,
        label=label,
        n_hat=n + missing,
        missing=missing,
        stderr=stderr,
        deviance=float(result.deviance),  # type: ignore[attr-defined]
        df=df,
        aic=-2 * loglik + 2 * x.shape[1],
        bic=-2 * loglik + math.log(n) * x.shape[1],
        converged=bool(result.converged) and math.isfinite(missing),  # type: ignore[attr-defined]
        terms=terms,
    )


def _label(names: tuple[str, ...], terms: tuple[Term, ...]) -> str:
    inter = [":".join(names[i] for i in sorted(t)) for t in terms if len(t) > 1]
    return "main effects" + "".join(f" + {t}" for t in inter)


def fit_all(table: OverlapTable) -> list[Fit]:
    """Every identifiable decomposable model with at least one residual degree of freedom."""
    fits = []
    for graph in decomposable(table.k):
        if len(graph.terms()) + 1 >= 2**table.k - 1:
            continue  # as many parameters as observed cells: no fit to judge it by
        fits.append(fit(table, graph))
    return [f for f in fits if f.converged]


def _profile_loglik(table: OverlapTable, terms: tuple[Term, ...], total: float) -> float:
    """Multinomial log-likelihood of the completed table (unrecorded = total - n),
    maximised over the model's parameters."""
    rows, counts = table.full()
    n = counts.sum()
    n0 = total - n
    rows_all = np.vstack([np.zeros((1, table.k), dtype=int), rows])
    y = np.concatenate([[n0], counts]).astype(float)
    x = _design(rows_all, terms)
    result = _glm(y, x)
    mu = np.asarray(result.fittedvalues)  # type: ignore[attr-defined]
    p = np.clip(mu / mu.sum(), 1e-300, None)
    cells = float((y[y > 0] * np.log(p[y > 0])).sum())
    return float(gammaln(total + 1) - gammaln(n0 + 1)) + cells


def profile_interval(table: OverlapTable, model: Fit, level: float = LEVEL) -> tuple[float, float]:
    """The set of totals whose profile log-likelihood is within chi2(1)/2 of the best."""
    n = float(table.observed)
    best = max(model.n_hat, n)
    top = _profile_loglik(table, model.terms, best)
    cut = chi2.ppf(level, 1) / 2

    def gap(total: float) -> float:
        return top - _profile_loglik(table, model.terms, total) - cut

    lower = n
    if best > n and gap(n) > 0:
        lower = brentq(gap, n, best, xtol=0.5)
    upper = best
    step = max(best - n, 10.0)
    for _ in range(40):
        candidate = upper + step
        if gap(candidate) > 0:
            upper = brentq(gap, upper, candidate, xtol=0.5)
            break
        upper, step = candidate, step * 2
    else:
        upper = math.inf
    return float(lower), float(upper)


def weights(fits: list[Fit], criterion: str = "bic") -> np.ndarray:
    """Akaike/Schwarz weights of the fitted models."""
    score = np.array([getattr(f, criterion) for f in fits])
    rel = np.exp(-(score - score.min()) / 2)
    return rel / rel.sum()
