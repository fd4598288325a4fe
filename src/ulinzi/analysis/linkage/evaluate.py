"""Scores of a clustering against known truth: pairwise and whole-cluster."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def _pairs(sizes: pd.Series) -> int:
    s = sizes.to_numpy(dtype=np.int64)
    return int((s * (s - 1) // 2).sum())


def scores(predicted: np.ndarray | pd.Series, truth: np.ndarray | pd.Series) -> dict[str, Any]:
    """Pairwise precision/recall/F1 (over all pairs of reports put together) and the
    share of true incidents recovered exactly (same reports, no more, no fewer)."""
    df = pd.DataFrame({"p": np.asarray(predicted), "t": np.asarray(truth)})
    predicted_pairs = _pairs(df.groupby("p").size())
    true_pairs = _pairs(df.groupby("t").size())
    both = _pairs(df.groupby(["p", "t"]).size())
    precision = both / predicted_pairs if predicted_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    # A true cluster is recovered exactly when its reports form one predicted cluster
    # holding nothing else.
    size_p = df.groupby("p")["t"].transform("size")
    size_t = df.groupby("t")["p"].transform("size")
    size_pt = df.groupby(["p", "t"])["p"].transform("size")
    exact = (size_p == size_t) & (size_pt == size_t)
    true_clusters = df["t"].nunique()
    recovered = df.loc[exact, "t"].nunique()
    return {
        "reports": len(df),
        "true_incidents": int(true_clusters),
        "clusters": int(df["p"].nunique()),
        "pairwise_precision": round(precision, 4),
        "pairwise_recall": round(recall, 4),
        "pairwise_f1": round(f1, 4),
        "clusters_exact": round(recovered / true_clusters, 4) if true_clusters else 1.0,
    }
