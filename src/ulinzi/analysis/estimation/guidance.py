"""Which of the two estimates to read, in plain words, for one table.

The rule (docs/estimation.md, "Which estimate to read"): the model-averaged log-linear
interval is right when lists depend on each other but no incident is harder for every
list to see; it is too low and far too narrow when some are (2–7 % coverage in the
simulations). The latent-class interval holds in both cases, at the price of width. So:
read the latent-class interval, unless its chains did not converge; where the two
disagree, the table itself shows shared heterogeneity.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

RHAT_LIMIT = 1.1  # split-R-hat of log N above this: chains disagree
ESS_FLOOR = 100  # fewer effective draws than this: the 2.5 % and 97.5 % points are noise


def which_to_read(*, bma_interval: tuple[float, float], latent: dict[str, Any]) -> list[str]:
    """Sentences for the reader, most important first."""
    out: list[str] = []
    low, high = bma_interval
    lc_low, lc_high = latent["interval"]
    if not latent["convergence"]["converged"]:
        out.append(
            _(
                "The latent-class sampler did not converge on this table (its chains "
                "disagree or too few effective draws): read the model-averaged interval, "
                "as a lower bound, and do not quote the latent-class one."
            )
        )
        return out
    out.append(
        _(
            "Read the latent-class interval (%(low)d to %(high)d): it stays right when "
            "some incidents are harder for every source to see (smaller, remote, less "
            "deadly), which is the usual case for sources that hear of the same events."
        )
        % {"low": lc_low, "high": lc_high}
    )
    if latent["estimate"] > high:
        out.append(
            _(
                "The latent-class estimate lies above the whole model-averaged interval: "
                "this table shows heterogeneity shared by the sources, and the "
                "model-averaged figure is too low here."
            )
        )
    elif lc_high < low or lc_low > high:
        out.append(
            _(
                "The two intervals do not overlap: look at the table and the linkage "
                "before quoting either."
            )
        )
    else:
        out.append(
            _(
                "The model-averaged interval (%(low)d to %(high)d) is narrower; it is right "
                "only if every incident is about as visible to the sources as any other; "
                "otherwise the total is likely above it."
            )
            % {"low": round(low), "high": round(high)}
        )
    return out
