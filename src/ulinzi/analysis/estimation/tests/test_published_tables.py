"""Regression on classic tables: the log-linear fits reproduce published figures.

Every expected figure below is a published one, cited beside it. Tables are given in
the order of Rcapture's ``histpos.t`` (capture histories by decreasing binary number:
1111, 1110, …, 0001), as the papers and Rcapture print them.

- Darroch, Fienberg, Glonek & Junker (1993), JASA 88: the R3 census table (3 lists);
  figures as published by Rivest (2011), Int. J. Biostatistics 7(1), art. 23.
- Bruno et al. (1994), Diabetes Care 17(6): diabetes in Casale Monferrato (4 lists);
  Bruno et al.'s model and Rivest's (2011) chosen model, figures of Rivest (2011).
- Cormack, Chang & Smith (2000), Int. J. Epidemiology 29: deaths from industrial
  injury, Tables 3a (4 lists) and 3b (3 lists).

These are the figures Rcapture's own test of published results reproduces
(``inst/tests/testPapersResults.R``, Baillargeon & Rivest). Standard errors are the
multinomial ones, ``sqrt(mu0^2 var(b0) + mu0)``.

Left out, for want of a published figure to check against: Abeni et al. (1994), HIV
in Rome — Rcapture ships the table only as binary data and its authors note that their
fit differs from the paper's (another estimation method); and any published LCMCR
result on these four tables (none found). The latent-class sampler is checked here in
its one-class case, which is model Mt, against Cormack et al.'s published Mt interval.
"""

from __future__ import annotations

import numpy as np
import pytest

from ulinzi.analysis.estimation import lcmcr, loglinear
from ulinzi.analysis.estimation.tables import OverlapTable


def rcapture_table(counts: list[int], k: int) -> OverlapTable:
    """A table from counts in Rcapture's history order (1…1 first, 0…01 last)."""
    codes = range(2**k - 1, 0, -1)
    hist = [tuple((c >> (k - 1 - j)) & 1 for j in range(k)) for c in codes]
    names = tuple(f"c{j + 1}" for j in range(k))
    return OverlapTable(lists=names, counts={h: n for h, n in zip(hist, counts, strict=True) if n})


def pairs(*p: tuple[int, int]) -> tuple[frozenset[int], ...]:
    """Interaction terms ``c_i:c_j`` given by 1-based list numbers."""
    return tuple(frozenset({i - 1, j - 1}) for i, j in p)


DARROCH_R3 = rcapture_table([72, 155, 7, 71, 13, 53, 43], 3)
DIABETES = rcapture_table([58, 157, 18, 104, 46, 650, 12, 709, 14, 20, 7, 74, 8, 182, 10], 4)
CORMACK_4 = rcapture_table([72, 5, 29, 53, 24, 3, 12, 14, 0, 0, 0, 1, 0, 0, 2], 4)
CORMACK_3 = rcapture_table([72, 5, 29, 54, 24, 3, 14], 3)
ALL_PAIRS_4 = pairs((1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4))


@pytest.mark.parametrize(
    ("table", "terms", "n_hat", "stderr", "deviance", "df", "source"),
    [
        (DARROCH_R3, pairs((1, 2), (1, 3), (2, 3)), 1240, 451, None, 0,
         "Rivest 2011: R3 saturated model"),
        (DARROCH_R3, pairs((1, 2), (2, 3)), 850, 186, 3.8, 1,
         "Rivest 2011: R3 without [E1,E3]"),
        (DIABETES, pairs((1, 2), (1, 3), (2, 3), (2, 4), (3, 4)), 2771, 145, 7.62, 5,
         "Bruno et al. 1994 model, as refitted by Rivest 2011"),
        (DIABETES, pairs((1, 3), (2, 4), (3, 4)), 2472, 53, 21.97, 7,
         "Rivest 2011: interactions [13][24][34], no heterogeneity"),
        (CORMACK_4, (), 215, None, 87.1, 10, "Cormack et al. 2000, Table 3a, Mt"),
        (CORMACK_4, pairs((3, 4)), 215, None, None, 9, "Table 3a, Mt + [WCC,MOSH]"),
        (CORMACK_4, pairs((3, 4), (1, 3)), None, None, 7.7, 8, "Table 3a"),
        (CORMACK_4, pairs((1, 2), (1, 3), (3, 4)), 218, None, 2.6, 7, "Table 3a"),
        (CORMACK_3, (), 209, None, 75.1, 3, "Cormack et al. 2000, Table 3b, Mt"),
        (CORMACK_3, pairs((2, 3)), None, None, 1.2, 2, "Table 3b"),
        (CORMACK_3, pairs((1, 2), (2, 3)), None, None, 0.6, 1, "Table 3b"),
        (CORMACK_3, pairs((1, 3), (2, 3)), 233, None, None, 1, "Table 3b"),
    ],
)  # fmt: skip
def test_loglinear_fits_reproduce_published_figures(
    table: OverlapTable,
    terms: tuple[frozenset[int], ...],
    n_hat: int | None,
    stderr: int | None,
    deviance: float | None,
    df: int,
    source: str,
) -> None:
    fit = loglinear.fit_terms(table, terms)
    assert fit.df == df, source
    if n_hat is not None:
        assert round(fit.n_hat) == n_hat, (source, fit.n_hat)
    if stderr is not None:
        assert round(fit.stderr) == stderr, (source, fit.stderr)
    if deviance is not None:
        digits = len(str(deviance).split(".")[1])
        assert round(fit.deviance, digits) == deviance, (source, fit.deviance)


def test_all_pairwise_model_on_cormack_table_does_not_bound_the_total() -> None:
    # Cormack et al. (2000), Table 3a: every pairwise interaction fits (deviance 1.3 on
    # 4 df) but puts the total above a million.
    fit = loglinear.fit_terms(CORMACK_4, ALL_PAIRS_4)
    assert fit.df == 4 and round(fit.deviance, 1) == 1.3
    assert fit.n_hat > 1_000_000


@pytest.mark.parametrize(
    ("terms", "low", "high"),
    [((), 203, 217), (pairs((2, 3)), 210, None), (pairs((1, 3), (2, 3)), 204, None)],
)
def test_profile_intervals_match_cormack_table_3b(
    terms: tuple[frozenset[int], ...], low: int, high: int | None
) -> None:
    # Cormack et al. (2000), Table 3b: 95 % profile-likelihood limits (Mt: 203-217).
    fit = loglinear.fit_terms(CORMACK_3, terms)
    lo, hi = loglinear.profile_interval(CORMACK_3, fit)
    assert round(lo) == low
    if high is not None:
        assert abs(hi - high) <= 1  # the paper's limits are whole incidents


def test_one_class_latent_model_is_mt_and_matches_its_published_interval() -> None:
    # With one class the latent-class model is model Mt (independent lists); with 209
    # incidents its posterior sits on the likelihood: Cormack et al. (2000), Table 3b,
    # Mt: 209, 95 % interval 203-217. MCMC tolerance: 2 incidents on the median, 3 on
    # each limit.
    rows, counts = CORMACK_3.full()
    d = lcmcr.gibbs(
        rows, counts[None], chains=2, classes=1, warm_up=100, burn_in=200, iterations=1500
    )
    draws = d.totals[0]
    assert abs(np.median(draws) - 209) <= 2
    assert abs(np.quantile(draws, 0.025) - 203) <= 3
    assert abs(np.quantile(draws, 0.975) - 217) <= 3
