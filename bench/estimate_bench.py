"""``ulinzi bench estimate [--reps 200]``: the estimator's simulation harness.

For each scenario of :mod:`ulinzi.analysis.estimation.simulate` (independent lists,
positive and negative list dependence, heterogeneous capture, both, three and five
lists), draws populations with a known total, estimates it, and reports the coverage of
the 95 % intervals, the relative bias and RMSE of the point estimate and the interval
width, for the Bayesian model average (dga-style) and for the best log-linear model by
BIC with its profile-likelihood interval. The baseline is the independence model's
point estimate (the simplest capture–recapture figure) measured on the same populations.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np


def _independence_bias(scenario: object, reps: int, seed: int) -> float:
    from ulinzi.analysis.estimation import graphs, loglinear, simulate
    from ulinzi.analysis.estimation.tables import from_memberships

    rng = np.random.default_rng(seed)
    errors = []
    for _ in range(reps):
        caught = simulate.draw(scenario, rng)  # type: ignore[arg-type]
        names = [f"L{j + 1}" for j in range(caught.shape[1])]
        table = from_memberships({names[j] for j in np.flatnonzero(r)} for r in caught)
        empty = next(g for g in graphs.decomposable(table.k) if not g.edges)
        errors.append(loglinear.fit(table, empty).n_hat - scenario.total)  # type: ignore[attr-defined]
    return float(np.mean(errors)) / scenario.total  # type: ignore[attr-defined]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ulinzi bench estimate", description=__doc__)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--five-list-reps", type=int, default=None, help="fewer for five lists (822 models)"
    )
    args = parser.parse_args(argv)

    from ulinzi.analysis.estimation import simulate

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average at the start {load}", flush=True)
    header = (
        f"{'scenario':<42}{'N':>6}{'reps':>6}{'seen':>7} | {'BMA cov':>8}{'bias':>8}"
        f"{'rmse':>7}{'width':>7} | {'LL cov':>7}{'bias':>8}{'width':>7} | {'indep bias':>10}"
    )
    print(header)
    start = time.perf_counter()
    for scenario in simulate.SCENARIOS:
        reps = args.reps
        if len(scenario.capture) == 5 and args.five_list_reps:
            reps = args.five_list_reps
        r = simulate.evaluate(scenario, reps=reps, seed=args.seed)
        base = _independence_bias(scenario, reps, args.seed)
        b, ll = r["bma"], r.get("loglinear", {})
        print(
            f"{scenario.name:<42}{scenario.total:>6}{reps:>6}{r['observed_mean']:>7.0f} | "
            f"{b['coverage']:>8.3f}{b['relative_bias']:>8.3f}{b['relative_rmse']:>7.3f}"
            f"{b['relative_width']:>7.3f} | {ll.get('coverage', float('nan')):>7.3f}"
            f"{ll.get('relative_bias', float('nan')):>8.3f}"
            f"{ll.get('relative_width', float('nan')):>7.3f} | {base:>10.3f}",
            flush=True,
        )
    print(f"total {time.perf_counter() - start:.0f} s; nominal coverage 0.95; "
          "bias, rmse and width relative to the true total")  # fmt: skip
    return 0
