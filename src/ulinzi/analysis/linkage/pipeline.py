"""Reports in, clusters out: standardise, score pairs, cluster. No database here.

Used by ``ulinzi link`` (on incidents loaded from the database), by the background task
and by the benchmark (on generated reports with known truth).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ulinzi.analysis.linkage import clustering, engine, standardise

# Pairs at or above THRESHOLD link (subject to cluster cohesion); pairs in the REVIEW band
# are shown to coordinators. Pairs below FLOOR are not kept at all.
THRESHOLD = 0.9
COHESION = 0.6
REVIEW_BAND = (0.5, 0.95)
FLOOR = 0.01


@dataclass
class Result:
    ids: list[str]
    labels: np.ndarray
    pairs: pd.DataFrame
    prediction: engine.Prediction
    seconds: dict[str, float]

    def clusters(self) -> list[list[str]]:
        """Clusters of two or more reports, as lists of ids."""
        groups: dict[int, list[str]] = {}
        for uid, label in zip(self.ids, self.labels.tolist(), strict=True):
            groups.setdefault(label, []).append(uid)
        return [g for g in groups.values() if len(g) > 1]

    def review_pairs(self, band: tuple[float, float] = REVIEW_BAND) -> pd.DataFrame:
        p = self.pairs["match_probability"]
        return self.pairs[(p >= band[0]) & (p < band[1])]


def run(
    raw: pd.DataFrame,
    *,
    threshold: float = THRESHOLD,
    cohesion: float = COHESION,
    confirmed: Iterable[tuple[str, str]] = (),
    split: Iterable[tuple[str, str]] = (),
    model_json: dict[str, Any] | None = None,
    fallback: tuple[dict[str, Any], str] | None = None,
) -> Result:
    """Link ``raw`` (columns of :data:`standardise.RAW_COLUMNS`)."""
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    frame = standardise.prepare(raw)
    seconds["prepare"] = time.perf_counter() - start
    prediction = engine.predict(frame, threshold=FLOOR, model_json=model_json, fallback=fallback)
    seconds.update(prediction.seconds)
    start = time.perf_counter()
    ids = frame["unique_id"].tolist()
    labels = clustering.cluster(
        ids,
        prediction.pairs,
        threshold=threshold,
        cohesion=cohesion,
        confirmed=confirmed,
        split=split,
    )
    seconds["cluster"] = time.perf_counter() - start
    return Result(
        ids=ids, labels=labels, pairs=prediction.pairs, prediction=prediction, seconds=seconds
    )
