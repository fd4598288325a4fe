"""Clerical review sample: how precise is the linkage where no truth is known?

Two sources that share no ids (WHO SSA and Insecurity Insight) give no truth to score
against. So a stratified random sample of their scored pairs goes to the review queue:
the pairs are split into bands of the probability that decides linking (weighed against
competing candidates), an equal share is drawn at random from each band (a band with
fewer pairs gives all it has; the rest go to the others), and each drawn pair is marked
with the sample and its band. Once people have decided them, the precision of a band is
the share of its decided pairs confirmed as one incident, with a Wilson 95 % interval;
the precision of the links made is the mean over the bands at or above the threshold,
each weighed by how many pairs it holds. Nothing here decides a pair.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from ulinzi.accounts.models import Organisation
from ulinzi.analysis.linkage import loading, pipeline, review
from ulinzi.analysis.linkage.models import ClericalSample, ReviewPair
from ulinzi.common.problems import FieldProblem, InvalidInput

EDGES = (pipeline.FLOOR, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1.0)


def band_of(p: float) -> str:
    """The label of the band ``p`` falls in ("0.50-0.70"); the last band holds 1.0."""
    for lo, hi in itertools.pairwise(EDGES):
        if lo <= p < hi or (hi == EDGES[-1] and p >= lo):
            return f"{lo:.2f}-{hi:.2f}"
    return ""


def allocate(sizes: list[int], n: int) -> list[int]:
    """An equal share of ``n`` per band, no band giving more than it has; what a small
    band cannot give goes to the others, one at a time."""
    take = [0] * len(sizes)
    left = min(n, sum(sizes))
    while left > 0:
        open_bands = [i for i, size in enumerate(sizes) if take[i] < size]
        share = max(1, left // len(open_bands))
        for i in open_bands:
            give = min(share, sizes[i] - take[i], left)
            take[i] += give
            left -= give
            if left == 0:
                break
    return take


def draw(
    *,
    n: int = 200,
    organisations: tuple[str, ...] = (),
    country: str | None = None,
    since: date | None = None,
    seed: int = 2026,
) -> ClericalSample:
    """Score the reports in scope, draw ``n`` pairs across the score bands (pairs of
    two of ``organisations`` only, when given: codes), queue them marked as a sample."""
    if n < 1:
        raise InvalidInput([FieldProblem("n", "must be at least 1", n)])
    ids = _organisation_ids(organisations)
    from ulinzi.analysis.linkage import services

    raw = loading.frame(loading.scope(country=country, since=since))
    result = pipeline.run(raw, fallback=services.latest_trained_model())
    org_of = dict(zip(raw["unique_id"], raw["organisation"], strict=True))
    pairs = result.pairs
    left = pairs["unique_id_l"].map(org_of)
    right = pairs["unique_id_r"].map(org_of)
    keep = left.ne(right)
    if ids:
        keep &= left.isin(ids) & right.isin(ids)
    pairs = pairs[keep].reset_index(drop=True)
    bands = pairs["match_probability"].map(band_of)
    labels = [f"{lo:.2f}-{hi:.2f}" for lo, hi in itertools.pairwise(EDGES)]
    sizes = [int((bands == label).sum()) for label in labels]
    rng = np.random.default_rng(seed)
    drawn: list[pd.DataFrame] = []
    summary: dict[str, dict[str, int]] = {}
    for label, size, take in zip(labels, sizes, allocate(sizes, n), strict=True):
        members = np.flatnonzero((bands == label).to_numpy())
        chosen = rng.choice(members, size=take, replace=False) if take else members[:0]
        drawn.append(pairs.iloc[np.sort(chosen)])
        summary[label] = {"pairs": size, "drawn": int(take)}
    sample = ClericalSample.objects.create(
        seed=seed,
        organisations=list(organisations),
        bands=summary,
        threshold=pipeline.THRESHOLD,
        model_note=result.prediction.note,
    )
    chosen_pairs = pd.concat(drawn, ignore_index=True)
    marks = {
        (row.unique_id_l, row.unique_id_r): {
            "sample": sample,
            "sample_band": band_of(float(row.match_probability)),
        }
        for row in chosen_pairs.itertuples(index=False)
    }
    review.store(None, chosen_pairs, result.prediction.level_labels, extra=marks)
    return sample


def _organisation_ids(codes: tuple[str, ...]) -> list[int]:
    found = dict(Organisation.objects.filter(code__in=codes).values_list("code", "pk"))
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise InvalidInput(
            [FieldProblem("organisations", "no organisation with this code", c) for c in unknown]
        )
    return [found[c] for c in codes]


@dataclass
class Band:
    label: str
    pairs: int
    drawn: int
    decided: int
    confirmed: int

    @property
    def precision(self) -> float | None:
        return self.confirmed / self.decided if self.decided else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.confirmed, self.decided) if self.decided else None


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval of a proportion ``k / n`` (95 % by default)."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def precision(sample: ClericalSample) -> dict[str, Any]:
    """Per band: pairs scored, drawn, decided, confirmed, precision and interval; and
    the estimated precision of the links (bands at or above the sample's threshold,
    weighed by their pairs; None until every such band has a decision)."""
    decisions = sample.pairs.exclude(decision=ReviewPair.Decision.PENDING).values_list(
        "sample_band", "decision"
    )
    decided: dict[str, list[str]] = {}
    for band, decision in decisions:
        decided.setdefault(band, []).append(decision)
    bands = [
        Band(
            label=label,
            pairs=int(counts["pairs"]),
            drawn=int(counts["drawn"]),
            decided=len(decided.get(label, [])),
            confirmed=decided.get(label, []).count(ReviewPair.Decision.CONFIRMED),
        )
        for label, counts in sample.bands.items()
    ]
    linked = [b for b in bands if float(b.label.split("-")[0]) >= sample.threshold and b.pairs]
    estimate = None
    if linked and all(b.decided for b in linked):
        total = sum(b.pairs for b in linked)
        estimate = sum(b.pairs * (b.precision or 0.0) for b in linked) / total
    return {"bands": bands, "linked_precision": estimate}
