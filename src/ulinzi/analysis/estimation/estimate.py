"""One call from an overlap table to both estimates with their intervals and caveats.

Two estimators, side by side, with plain guidance on which to read:

- ``estimate``/``interval``: the posterior median and 95 % credible interval of the
  total under Bayesian model averaging over decomposable graphical models (:mod:`.bma`),
  with the best log-linear model by BIC beside it (:mod:`.loglinear`). Right when the
  lists depend on each other but every incident is about as visible as another.
- ``latent_class``: the latent-class model (:mod:`.lcmcr`), right when some incidents
  are harder for *every* list to see (shared heterogeneity), where the first one is
  too low and its interval too narrow.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from ulinzi.analysis.estimation import bma, guidance, lcmcr, loglinear
from ulinzi.analysis.estimation.tables import MAX_LISTS, OverlapTable
from ulinzi.common.problems import FieldProblem, InvalidInput

MIN_LISTS = 3
LEVEL = 0.95


def _caveats(table: OverlapTable, post: bma.Posterior, median: float) -> list[str]:
    out = []
    rows, counts = table.full()
    multi = int(counts[rows.sum(axis=1) >= 2].sum())
    if table.observed < 50:
        out.append(_("Few incidents (%d): the interval is wide and rests on the prior.")
                   % table.observed)  # fmt: skip
    if multi < 10:
        out.append(_("Only %d incidents were recorded by more than one list: the overlap "
                     "that the estimate rests on is thin.") % multi)  # fmt: skip
    empty = int((counts == 0).sum())
    if empty:
        out.append(_("%(empty)d of %(cells)d capture histories are empty (sparse table): "
                     "models with interactions are poorly determined.")
                   % {"empty": empty, "cells": len(counts)})  # fmt: skip
    if post.truncated:
        out.append(_("The data do not bound the total from above: the upper limit is where "
                     "the search stopped, not an estimate."))  # fmt: skip
    if post.weights.max() < 0.5:
        out.append(_("No single model of list dependence dominates; the interval includes "
                     "that uncertainty."))  # fmt: skip
    if median > 3 * table.observed:
        out.append(_("Most incidents would be unrecorded by every list: the estimate is "
                     "very sensitive to the assumptions."))  # fmt: skip
    out.append(_("Assumes a closed population (same incidents for every list), correct "
                 "linkage, and that dependence between lists is captured by the models; "
                 "incidents hard for every list to see (heterogeneity) make the total an "
                 "underestimate."))  # fmt: skip
    return out


def estimate(
    table: OverlapTable, *, level: float = LEVEL, seed: int | None = lcmcr.SEED
) -> dict[str, Any]:
    """Both estimates of the total of ``table``, their caveats and which to read."""
    if table.k < MIN_LISTS:
        raise InvalidInput(
            [FieldProblem("lists", f"at least {MIN_LISTS} lists are needed", table.k)]
        )
    notes: list[str] = []
    if table.k > MAX_LISTS:
        notes.append(
            _("%(k)d lists pooled into %(max)d (the smallest ones together).")
            % {"k": table.k, "max": MAX_LISTS}
        )
        table = table.collapse(MAX_LISTS)
    post = bma.posterior(table)
    tail = (1 - level) / 2
    median = post.quantile(0.5)
    order = np.argsort(-post.weights)[:5]
    fits = loglinear.fit_all(table)
    loglin: dict[str, Any] | None = None
    if fits:
        w = loglinear.weights(fits, "bic")
        best = fits[int(np.argmax(w))]
        lo, hi = loglinear.profile_interval(table, best, level)
        top = np.argsort(-w)[:5]
        loglin = {
            "model": best.label,
            "estimate": round(best.n_hat, 1),
            "interval": [round(lo, 1), None if hi == float("inf") else round(hi, 1)],
            "deviance": round(best.deviance, 3),
            "df": best.df,
            "bic_weights": [{"model": fits[i].label, "weight": round(float(w[i]), 4)} for i in top],
        }
    latent = lcmcr.posterior(table, seed=seed)
    lc = _latent_class_block(latent, level)
    return {
        "lists": list(table.lists),
        "per_list": table.per_list(),
        "observed": table.observed,
        "estimate": round(median),
        "interval": [round(post.quantile(tail)), round(post.quantile(1 - tail))],
        "level": level,
        "unrecorded_estimate": round(median) - table.observed,
        "mean": round(post.mean, 1),
        "method": (
            "Bayesian model averaging over decomposable graphical log-linear models "
            f"(dga-style; hyper-Dirichlet prior delta=2^-{table.k}, prior on N 1/N); "
            "estimate = posterior median, interval = equal-tailed credible interval"
        ),
        "models": [
            {"model": post.graphs[i].label(table.lists), "weight": round(float(post.weights[i]), 4)}
            for i in order
        ],
        "loglinear": loglin,
        "latent_class": lc,
        "guidance": guidance.which_to_read(
            bma_interval=(post.quantile(tail), post.quantile(1 - tail)),
            latent=lc,
        ),
        "caveats": notes + _caveats(table, post, median),
    }


def _latent_class_block(latent: lcmcr.LatentClassPosterior, level: float) -> dict[str, Any]:
    tail = (1 - level) / 2
    median = latent.quantile(0.5)
    chains, kept = latent.draws.shape
    return {
        "estimate": round(median),
        "interval": [round(latent.quantile(tail)), round(latent.quantile(1 - tail))],
        "level": level,
        "unrecorded_estimate": round(median) - latent.n_observed,
        "mean": round(latent.mean, 1),
        "method": (
            "latent-class model (LCMCR-style: Dirichlet-process mixture of up to "
            f"{lcmcr.CLASSES} classes of independent lists, Gibbs sampler; prior on N 1/N); "
            "estimate = posterior median, interval = equal-tailed credible interval"
        ),
        "classes_occupied": round(latent.occupied, 1),
        "convergence": {
            "chains": chains,
            "draws_per_chain": kept,
            "burn_in": lcmcr.BURN_IN,
            "rhat": round(latent.rhat, 3),
            "effective_draws": round(latent.ess),
            "converged": latent.rhat < guidance.RHAT_LIMIT and latent.ess >= guidance.ESS_FLOOR,
        },
        "seed": latent.seed,
        "seconds": round(latent.seconds, 1),
    }
