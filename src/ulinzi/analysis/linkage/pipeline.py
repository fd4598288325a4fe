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

from ulinzi.analysis.linkage import backends, candidates, clustering, engine, standardise

# Pairs whose probability, weighed against competing candidates (:mod:`.candidates`),
# is at or above THRESHOLD link: more likely one incident than not (subject to cluster
# cohesion). Pairs in the REVIEW band are shown to coordinators. Pairs below FLOOR are
# not kept at all.
THRESHOLD = 0.5
COHESION = 0.5
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
        """Pairs a person should decide: likely by their own evidence (pairwise
        probability at or above the band's floor) yet not beyond doubt once weighed
        against competing candidates (below its ceiling), and the best candidate of at
        least one of their two reports (ties kept: a person tells them apart)."""
        pairs = self.pairs
        own = (
            pairs["pair_probability"] if "pair_probability" in pairs else pairs["match_probability"]
        )
        ends = pd.concat([
            pd.DataFrame({"uid": pairs["unique_id_l"], "p": own}),
            pd.DataFrame({"uid": pairs["unique_id_r"], "p": own}),
        ])  # fmt: skip
        best = ends.groupby("uid")["p"].max()
        top = own.ge(pairs["unique_id_l"].map(best)) | own.ge(pairs["unique_id_r"].map(best))
        return pairs[own.ge(band[0]) & pairs["match_probability"].lt(band[1]) & top]


def run(
    raw: pd.DataFrame,
    *,
    threshold: float = THRESHOLD,
    cohesion: float = COHESION,
    confirmed: Iterable[tuple[str, str]] = (),
    split: Iterable[tuple[str, str]] = (),
    model_json: dict[str, Any] | None = None,
    fallback: tuple[dict[str, Any], str] | None = None,
    backend: backends.Backend | None = None,
) -> Result:
    """Link ``raw`` (columns of :data:`standardise.RAW_COLUMNS`) on ``backend`` (the
    configured engine when not given)."""
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    frame = standardise.prepare(raw)
    seconds["prepare"] = time.perf_counter() - start
    prediction = engine.predict(
        frame,
        threshold=FLOOR,
        model_json=model_json,
        fallback=fallback,
        backend=backend or backends.configured(),
    )
    seconds.update(prediction.seconds)
    start = time.perf_counter()
    prediction.pairs = candidates.weigh(prediction.pairs, frame)
    ids = frame["unique_id"].tolist()
    labels = clustering.cluster(
        ids,
        prediction.pairs,
        threshold=threshold,
        cohesion=cohesion,
        confirmed=confirmed,
        split=split,
        exclusive=candidates.exclusive_labels(frame),
    )
    seconds["cluster"] = time.perf_counter() - start
    return Result(
        ids=ids, labels=labels, pairs=prediction.pairs, prediction=prediction, seconds=seconds
    )
