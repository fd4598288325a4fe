"""Clerical review sample: stratified across the score bands, into the review queue,
and the precision per band computed from people's decisions on it."""

from __future__ import annotations

import pytest
from scipy.stats import binomtest

from ulinzi.analysis.linkage import sample
from ulinzi.analysis.linkage.models import ReviewPair
from ulinzi.analysis.linkage.testing import load_synthetic
from ulinzi.incidents.models import Incident

pytestmark = pytest.mark.django_db
PAIR = ("synthetic-moh", "synthetic-who")


def test_equal_shares_and_a_small_band_gives_what_it_has() -> None:
    # 30 over bands of 0, 3, 100, 100: 10 each, the 3-pair band gives 3; the 7 left go
    # 3 and 3 to the large bands, then the last one to the first of them.
    assert sample.allocate([0, 3, 100, 100], 30) == [0, 3, 14, 13]
    assert sample.allocate([2, 1], 30) == [2, 1]


def test_a_sample_is_drawn_across_the_bands_and_precision_comes_from_decisions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    load_synthetic(300, seed=41)
    drawn = sample.draw(n=24, organisations=PAIR, seed=5)
    pairs = list(drawn.pairs.select_related("left__organisation", "right__organisation"))
    counts = drawn.bands
    assert (
        len(pairs)
        == sum(b["drawn"] for b in counts.values())
        == min(24, sum(b["pairs"] for b in counts.values()))
    )
    assert all(0 <= b["drawn"] <= b["pairs"] for b in counts.values())
    assert sum(1 for b in counts.values() if b["drawn"]) >= 3  # spans the score range
    for pair in pairs:
        assert {pair.left.organisation.code, pair.right.organisation.code} == set(PAIR)
        assert pair.sample_band == sample.band_of(pair.match_probability)
        assert pair.decision == ReviewPair.Decision.PENDING
        assert {e["comparison"] for e in pair.evidence} >= {"occurred", "location", "types"}

    assert sample.precision(drawn)["linked_precision"] is None  # nothing decided yet
    band = max(counts, key=lambda label: counts[label]["drawn"])
    chosen = [p for p in pairs if p.sample_band == band][:3]
    assert len(chosen) == 3
    for pair, decision in zip(chosen, ("confirmed", "confirmed", "split"), strict=True):
        ReviewPair.objects.filter(pk=pair.pk).update(decision=decision)
    result = {b.label: b for b in sample.precision(drawn)["bands"]}
    assert (result[band].decided, result[band].confirmed) == (3, 2)
    assert result[band].precision == pytest.approx(2 / 3)
    reference = binomtest(2, 3).proportion_ci(method="wilson")
    assert result[band].interval == pytest.approx((reference.low, reference.high))

    # Every other drawn pair at or above the threshold decided "same incident": each such
    # band's precision is 1.0, but for the one split pair's band, if it is one of them.
    linked = [b for b in counts if float(b.split("-")[0]) >= drawn.threshold and counts[b]["pairs"]]
    for pair in pairs:
        if pair.sample_band in linked and pair.pk not in {p.pk for p in chosen}:
            ReviewPair.objects.filter(pk=pair.pk).update(decision="confirmed")
    estimate = sample.precision(drawn)["linked_precision"]
    weights = {b: counts[b]["pairs"] for b in linked}
    split_band = (counts[band]["drawn"] - 1) / counts[band]["drawn"]
    expected = sum(w * (split_band if b == band else 1.0) for b, w in weights.items()) / sum(
        weights.values()
    )
    if all(counts[b]["drawn"] for b in linked):
        assert estimate == pytest.approx(expected)

    from ulinzi.cli import main

    assert main(["link", "precision"]) == 0
    out = capsys.readouterr().out
    assert f"sample {drawn.pk}" in out and "precision of the links" in out


def test_unknown_organisations_are_refused_by_name() -> None:
    from ulinzi.common.problems import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        sample.draw(n=5, organisations=("no-such-org", "who-ssa-typo"))
    assert "no-such-org" in str(caught.value.problems)
    assert not ReviewPair.objects.exists() and not Incident.objects.exists()
