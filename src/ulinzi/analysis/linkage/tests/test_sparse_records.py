"""Linkage of reports with nothing below the country (the WHO SSA public export) against
another source's reports, on a sample of the real public data, and fallbacks reported."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest

from ulinzi.analysis.linkage import engine, pipeline, standardise

SAMPLE = Path(__file__).parent / "fixtures" / "ssa_ii_sample.csv"


def _sample() -> pd.DataFrame:
    """82 reports: 39 WHO SSA attacks (country and date only) and 43 Insecurity Insight
    reports from the same countries and days (WHO SSA export 2017–2024, Insecurity
    Insight attacks on health care 2016–2023; no narratives)."""
    raw = pd.read_csv(SAMPLE, dtype={"unique_id": str}, keep_default_na=False)
    raw = raw.replace({"": None})
    raw["types"] = raw["types"].map(lambda v: v.split(";") if isinstance(v, str) else None)
    # Both sources' rows were imported with their own ids (SSA Attack ID, SiND Event ID).
    raw["source_record"] = raw["unique_id"]
    for column in standardise.RAW_COLUMNS:
        if column not in raw:
            raw[column] = None
    return raw


def _truth(raw: pd.DataFrame) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
    """Pairs that must link: a WHO SSA attack and the one Insecurity Insight report of the
    same country and day with the same killed and injured (two or more hurt). Pairs that
    must not: a WHO SSA attack and a report of that day whose counts are far apart (more
    than one and more than a quarter off: counts one apart may be one incident tallied
    twice, as in Libya on 16 July 2019, where the truth is not known)."""
    must, must_not = set(), set()
    for a, b in combinations(raw.to_dict("records"), 2):
        if a["organisation"] == b["organisation"] or (a["country"], a["occurred_on"]) != (
            b["country"],
            b["occurred_on"],
        ):
            continue
        same = (a["killed"], a["injured"]) == (b["killed"], b["injured"])
        pair = frozenset((a["unique_id"], b["unique_id"]))
        if same and (a["killed"] or 0) + (a["injured"] or 0) >= 2:
            must.add(pair)
        elif _far(a["killed"], b["killed"]) or _far(a["injured"], b["injured"]):
            must_not.add(pair)
    # Keep the one-to-one pairs (a report of two candidate partners is not certain).
    counts = pd.Series([u for p in must for u in p]).value_counts()
    must = {p for p in must if all(counts[u] == 1 for u in p)}
    return must, must_not


def _far(a: int | None, b: int | None) -> bool:
    if a is None or b is None:
        return False
    return abs(a - b) > max(1, 0.25 * max(a, b))


def test_reports_with_only_country_and_date_link_to_their_match_and_nothing_else() -> None:
    raw = _sample()
    must, must_not = _truth(raw)
    assert len(must) >= 20 and len(must_not) >= 30
    result = pipeline.run(raw)
    label = dict(zip(result.ids, result.labels.tolist(), strict=True))
    linked = {p for p in must if len({label[u] for u in p}) == 1}
    wrong = {p for p in must_not if len({label[u] for u in p}) == 1}
    # 19 of the 26 link on this sample (the rest wait for review); none wrongly.
    assert len(linked) >= 0.7 * len(must), (len(linked), len(must))
    assert not wrong, wrong
    # A small sample is not trained on, and the result says so.
    assert not result.prediction.trained
    assert "fewer than" in result.prediction.note
    assert engine.REFERENCE in result.prediction.note


def test_without_the_sparse_routes_nothing_would_even_be_compared() -> None:
    frame = standardise.prepare(_sample())
    assert frame.loc[frame["source"] == "who-ssa", "sparse"].all()
    assert not frame.loc[frame["admin1_key"].notna(), "sparse"].any()


def test_a_training_failure_is_reported_with_its_reason() -> None:
    # 1,600 reports of one organisation, no facility names, nobody hurt twice alike:
    # no near-certain pairs to estimate the prior from.
    days = pd.date_range("2020-01-01", periods=1600, freq="D")
    raw = pd.DataFrame(
        {
            "unique_id": [f"r{i}" for i in range(1600)],
            "organisation": "one",
            "domain": "health_care_attack",
            "types": [["heavy_weapons"]] * 1600,
            "occurred_on": days.date,
            "occurred_precision": "day",
            "country": "SDN",
            "killed": range(1600),
            "injured": 0,
        }
    )
    for column in standardise.RAW_COLUMNS:
        if column not in raw:
            raw[column] = None
    prediction = engine.predict(standardise.prepare(raw), threshold=0.5)
    assert not prediction.trained
    assert "no near-certain pairs" in prediction.note
    assert engine.REFERENCE in prediction.note
    assert "u estimated from this data" in prediction.note


@pytest.mark.parametrize("given", [True, False])
def test_a_fallback_model_named_by_the_caller_is_named_in_the_note(given: bool) -> None:
    raw = _sample()
    fallback = (engine.reference_model(), "the model of run 7") if given else None
    prediction = engine.predict(standardise.prepare(raw), fallback=fallback)
    assert ("the model of run 7" in prediction.note) is given
    assert not prediction.trained


def _day_reports(day: str, per_source: int, start: int) -> list[dict[str, object]]:
    """``per_source`` reports of ``day`` from each of two sources, nothing below the
    country, no type, no counts: only country and date can pair them."""
    rows: list[dict[str, object]] = []
    for source in ("who-ssa", "insecurity-insight"):
        for i in range(per_source):
            rows.append(
                {column: None for column in standardise.RAW_COLUMNS}
                | {
                    "unique_id": f"{source}-{start + i}",
                    "organisation": source,
                    "domain": "health_care_attack",
                    "occurred_on": day,
                    "occurred_precision": "day",
                    "country": "UKR",
                }
            )
    return rows


def test_a_shared_day_says_more_on_a_quiet_day_than_on_a_busy_one() -> None:
    # 2023-03-01: one report from each source; 2023-03-20: twelve from each.
    raw = pd.DataFrame(_day_reports("2023-03-01", 1, 0) + _day_reports("2023-03-20", 12, 100))
    frame = standardise.prepare(raw)
    pairs = engine.predict(frame, threshold=0.0, model_json=engine.reference_model()).pairs
    day = dict(zip(frame["unique_id"], frame["day_num"], strict=True))
    across = pairs[pairs["unique_id_l"].str[:3] != pairs["unique_id_r"].str[:3]]
    quiet = across[across["unique_id_l"].map(day) == day["who-ssa-0"]]
    busy = across[across["unique_id_l"].map(day) == day["who-ssa-100"]]
    assert len(quiet) == 1 and len(busy) == 12 * 12
    # Same day in both, yet the quiet day's pair weighs more (term frequency of the day).
    assert quiet["match_weight"].iloc[0] > busy["match_weight"].max() + 1


def test_two_reports_that_both_record_no_place_meet_at_their_own_level() -> None:
    rows = _day_reports("2023-03-01", 1, 0)
    rows[1] = rows[1] | {"admin1_name": "Kharkiv Oblast", "unique_id": "insecurity-insight-9"}
    raw = pd.DataFrame(_day_reports("2023-05-01", 1, 5) + rows)
    frame = standardise.prepare(raw)
    pairs = engine.predict(frame, threshold=0.0, model_json=engine.reference_model()).pairs
    level = {
        frozenset((a, b)): g
        for a, b, g in zip(pairs["unique_id_l"], pairs["unique_id_r"], pairs["gamma_location"])
    }
    labels = engine.labels_of(engine.reference_model())["location"]
    both = level[frozenset(("who-ssa-5", "insecurity-insight-5"))]
    one = level[frozenset(("who-ssa-0", "insecurity-insight-9"))]
    assert labels[both] == "neither records a place"
    assert one == -1  # one records a province, the other nothing: not comparable
