"""``ulinzi bench estimate [--reps 100]``: the estimators' simulation harness.

For each scenario of :mod:`ulinzi.analysis.estimation.simulate` (independent lists,
positive and negative list dependence, heterogeneity shared by every list — continuous
and in two classes — with and without dependence, three and five lists), draws
populations with a known total, estimates it, and reports the coverage of the 95 %
intervals, the relative bias and RMSE of the point estimate and the interval width, for
the Bayesian model average (dga-style), the best log-linear model by BIC with its
profile-likelihood interval, and the latent-class model (LCMCR-style; all populations'
chains of a scenario run as one batch). The baseline is the independence model's point
estimate (the simplest capture–recapture figure) measured on the same populations.
Last, the time to estimate one 4-list table with the settings of ``ulinzi estimate``.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from ulinzi.commands.options import whole


def _independence_bias(scenario: object, reps: int, seed: int) -> float:
    from ulinzi.analysis.estimation import graphs, loglinear, simulate

    rng = np.random.default_rng(seed)
    errors = []
    for _ in range(reps):
        table = simulate.table_of(simulate.draw(scenario, rng))  # type: ignore[arg-type]
        empty = next(g for g in graphs.decomposable(table.k) if not g.edges)
        errors.append(loglinear.fit(table, empty).n_hat - scenario.total)  # type: ignore[attr-defined]
    return float(np.mean(errors)) / scenario.total  # type: ignore[attr-defined]


def _one_table_seconds() -> tuple[float, int]:
    """Seconds for the whole of ``estimate()`` (both estimators) on one 4-list table."""
    from ulinzi.analysis.estimation import simulate
    from ulinzi.analysis.estimation.estimate import estimate

    table = simulate.table_of(simulate.draw(simulate.SCENARIOS[3], np.random.default_rng(1)))
    start = time.perf_counter()
    estimate(table)
    return time.perf_counter() - start, table.observed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ulinzi bench estimate", description=__doc__)
    parser.add_argument("--reps", type=whole(), default=100)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--five-list-reps", type=whole(), default=None, help="fewer for five lists (822 models)"
    )
    parser.add_argument("--chains", type=whole(), default=2, help="latent-class chains per table")
    parser.add_argument("--only", default="", help="run only scenarios whose name has this")
    args = parser.parse_args(argv)

    from ulinzi.analysis.estimation import lcmcr, simulate

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average at the start {load}", flush=True)
    print(f"latent class: {args.chains} chains x {lcmcr.ITERATIONS} draws after "
          f"{lcmcr.WARM_UP} + {lcmcr.BURN_IN} sweeps, {lcmcr.CLASSES} classes")  # fmt: skip
    header = (
        f"{'scenario':<56}{'N':>6}{'reps':>6}{'seen':>7} | {'BMA cov':>8}{'bias':>8}"
        f"{'width':>7} | {'LL cov':>7}{'bias':>8}{'width':>7} | {'LC cov':>7}{'bias':>8}"
        f"{'width':>7} | {'indep bias':>10}"
    )
    print(header)
    start = time.perf_counter()
    nan = float("nan")
    for scenario in simulate.SCENARIOS:
        if args.only and args.only not in scenario.name:
            continue
        reps = args.reps
        if len(scenario.capture) == 5 and args.five_list_reps:
            reps = args.five_list_reps
        r = simulate.evaluate(scenario, reps=reps, seed=args.seed, latent=True,
                              chains=args.chains)  # fmt: skip
        base = _independence_bias(scenario, reps, args.seed)
        cells = []
        for method in ("bma", "loglinear", "latent_class"):
            m = r.get(method, {})
            cells.append(
                f"{m.get('coverage', nan):>8.3f}{m.get('relative_bias', nan):>8.3f}"
                f"{m.get('relative_width', nan):>7.3f}"
            )
        print(
            f"{scenario.name:<56}{scenario.total:>6}{reps:>6}{r['observed_mean']:>7.0f} |"
            + " |".join(cells)
            + f" | {base:>10.3f}   ({r['seconds']})",
            flush=True,
        )
    print(f"total {time.perf_counter() - start:.0f} s; nominal coverage 0.95; "
          "bias and width relative to the true total")  # fmt: skip
    seconds, seen = _one_table_seconds()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"one 4-list table ({seen} incidents), both estimators as `ulinzi estimate` runs "
          f"them: {seconds:.1f} s (target < 30 s); load average now {load}")  # fmt: skip
    return 0
