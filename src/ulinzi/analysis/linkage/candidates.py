"""One report per source of an event: competing candidates share one chance.

A source that names its records by event (``exclusive`` in the standardised frame: an
imported dataset with its own ids) reports each event at most once. So when report *a*
has several candidates *b1, b2, …* of one such source, at most one of them is *a*'s
incident: the hypotheses "a is b1", "a is b2", … and "a is none of them" exclude each
other. With the pairwise odds ``o = p / (1 - p)`` of each candidate, the posterior of
"a is b" among them is ``o_b / (1 + Σ o)`` (Fellegi–Sunter with a one-to-one
assumption). A pair is weighed so from each of its ends (b's other candidates of a's
source compete from the other end) and keeps the lower of the two. A lone candidate
keeps its probability; two equally good ones each fall to under a half, and wait for
review instead of being linked on a coin toss. (Summing the competitors of both ends
into one posterior would treat "a is b2" and "a2 is b" as excluding each other, which
they do not: both can be true.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MAX_ODDS = 1e12


def weigh(pairs: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """``pairs`` with ``match_probability`` weighed against competing candidates (the
    pairwise probability kept as ``pair_probability``; ``competing_odds``, the total
    odds of the competitors at the end that weighed it lower)."""
    out = pairs.copy()
    p = out["match_probability"].to_numpy(dtype=float)
    out["pair_probability"] = p
    if out.empty:
        out["competing_odds"] = np.zeros(0)
        return out
    odds = np.minimum(p / np.maximum(1.0 - p, 1.0 / MAX_ODDS), MAX_ODDS)
    index = {uid: i for i, uid in enumerate(frame["unique_id"])}
    source_code, _ = pd.factorize(frame["source"])
    exclusive = frame["exclusive"].to_numpy(dtype=bool)
    n_sources = int(source_code.max()) + 1
    ends = [out[c].map(index).to_numpy(dtype=np.int64) for c in ("unique_id_l", "unique_id_r")]
    competing = np.zeros(len(out))
    # Each pair seen from each of its ends: the end's other candidates of the partner's
    # source compete with it, when that source is exclusive.
    for me, other in ((ends[0], ends[1]), (ends[1], ends[0])):
        counts = exclusive[other]
        key = me * n_sources + source_code[other]
        _, group = np.unique(key, return_inverse=True)
        total = np.bincount(group, weights=np.where(counts, odds, 0.0))
        competing = np.maximum(competing, np.where(counts, total[group] - odds, 0.0))
    out["competing_odds"] = competing
    out["match_probability"] = odds / (1.0 + odds + competing)
    return out


def exclusive_labels(frame: pd.DataFrame) -> list[str | None]:
    """Per report, its source when the source reports each event once (else None): two
    reports with one such label never share a cluster."""
    return [s if e else None for s, e in zip(frame["source"], frame["exclusive"], strict=True)]
