"""A source that numbers its records by event records each event once: its records with
different ids are never linked, and its candidates share one chance."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from ulinzi.analysis.linkage import candidates, clustering, loading, model, pipeline, standardise


def test_an_event_id_is_one_only_a_publisher_gives() -> None:
    assert loading.source_record("oPt010355", {"Attack ID": "oPt010355"}) == "oPt010355"
    # Entered here or sent through the API: a report, whatever id its client gives it.
    assert loading.source_record("demo-echo-0001", None) is None
    # Imported without an id column: the row's content hash.
    assert loading.source_record("row-sha256:ab12", {"Date": "2023-01-01"}) is None
    # A form submission's id names one report, not one event.
    assert loading.source_record("uuid-1", {"_uuid": "uuid-1", "q": 1}) is None
    assert loading.source_record("uuid:2", {"meta": {"instanceID": "uuid:2"}}) is None
    assert loading.source_record("", {"id": ""}) is None


def _report(uid: str, source: str, record: str | None, **extra: object) -> dict[str, object]:
    row: dict[str, object] = {c: None for c in standardise.RAW_COLUMNS}
    row.update(
        unique_id=uid, organisation=source, domain="health_care_attack",
        types=["heavy_weapons"], occurred_on=date(2023, 12, 21), occurred_precision="day",
        country="PSE", admin1_name="Gaza Strip", killed=0, injured=1,
        perpetrator="state_armed_forces", source_record=record,
    )  # fmt: skip
    row.update(extra)
    return row


def _together(result: pipeline.Result, a: str, b: str) -> bool:
    label = dict(zip(result.ids, result.labels.tolist(), strict=True))
    return label[a] == label[b]


def test_two_records_of_one_source_with_two_ids_are_two_events() -> None:
    """Same day, province, type, perpetrator and counts: the place routes meet them, yet
    the publisher gave them two event ids."""
    raw = pd.DataFrame([_report("a", "ii", "42815"), _report("b", "ii", "42821")])
    assert _proposed(raw) == 0
    result = pipeline.run(raw)
    assert result.pairs.empty
    assert not _together(result, "a", "b")
    # The same two reports without event ids (two monitors' reports here) are compared.
    raw["source_record"] = None
    assert _proposed(raw) == 1


def _proposed(raw: pd.DataFrame) -> int:
    """Pairs the prediction blocking rules propose."""
    frame = standardise.prepare(raw)
    con = duckdb.connect()
    con.register("f", frame)
    rules = " OR ".join(f"({rule})" for rule in model.prediction_blocking())
    query = f"SELECT count(*) FROM f AS l JOIN f AS r ON l.unique_id < r.unique_id AND ({rules})"
    row = con.execute(query).fetchone()
    assert row is not None
    return int(row[0])


def test_competing_candidates_of_one_source_share_one_chance() -> None:
    frame = pd.DataFrame({
        "unique_id": ["a", "b1", "b2", "c"], "source": ["who", "ii", "ii", "web"],
        "exclusive": [True, True, True, False],
    })  # fmt: skip
    pairs = pd.DataFrame({
        "unique_id_l": ["a", "a", "a"], "unique_id_r": ["b1", "b2", "c"],
        "match_probability": [0.9, 0.9, 0.8], "match_weight": [3.0, 3.0, 2.0],
    })  # fmt: skip
    weighed = candidates.weigh(pairs, frame).set_index("unique_id_r")
    # Odds 9 each; "a is b1", "a is b2" and "neither" exclude each other: 9 / (1 + 9 + 9).
    assert weighed.loc["b1", "match_probability"] == pytest.approx(9 / 19)
    assert weighed.loc["b2", "match_probability"] == pytest.approx(9 / 19)
    # A source that does not number its records by event may hold the incident twice.
    assert weighed.loc["c", "match_probability"] == pytest.approx(0.8)
    assert weighed.loc["b1", "pair_probability"] == pytest.approx(0.9)


def test_a_cluster_holds_one_record_of_such_a_source() -> None:
    ids = ["a", "b1", "b2"]
    pairs = pd.DataFrame({
        "unique_id_l": ["a", "a"], "unique_id_r": ["b1", "b2"],
        "match_probability": [0.95, 0.9],
    })  # fmt: skip
    free = clustering.cluster(ids, pairs, threshold=0.5)
    assert len(set(free.tolist())) == 1
    labels = clustering.cluster(ids, pairs, threshold=0.5, exclusive=[None, "ii", "ii"])
    assert labels[0] == labels[1] and labels[0] != labels[2]
