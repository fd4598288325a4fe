"""``ulinzi bench linkage --real`` at small size: Insecurity Insight's explosive-weapons
and health-care files (rows of Syria and Libya 2020 and Ukraine January–February 2023,
descriptions blanked: ``fixtures/ii_*_sample.xlsx``), read by the importer, linked with
their shared SiND Event IDs hidden, and scored against them."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from ulinzi.analysis.linkage import engine, evaluate, pipeline

FIXTURES = Path(__file__).parent / "fixtures"
BENCH = Path(__file__).resolve().parents[5] / "bench" / "linkage_real.py"


def _loader() -> ModuleType:
    spec = importlib.util.spec_from_file_location("linkage_real", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_real_files_link_against_their_hidden_event_ids() -> None:
    real = _loader()
    raw, truth, rejected = real.load(
        FIXTURES / "ii_health_care_sample.xlsx", FIXTURES / "ii_explosive_weapons_sample.xlsx"
    )
    # 306 health-care rows; 259 explosive-weapons rows, 81 of them about education or aid
    # operations, which the importer files in those domains (nothing is rejected).
    assert (len(raw), rejected) == (565, 0)
    assert "source_record" in raw and raw["source_record"].notna().all()
    assert not {"Event Description", "narrative"} & set(raw.columns)
    true_pairs = int(truth.duplicated().sum())
    assert true_pairs == 173
    result = pipeline.run(raw)
    scores = evaluate.scores(result.labels, truth)
    # Too few reports to train on, and the result says so.
    assert not result.prediction.trained and engine.REFERENCE in result.prediction.note
    # Measured: precision 1.0, recall 0.43 with the fallback model (0.29 before a shared
    # day was weighed by how busy it is and two reports that both record no place were
    # compared; 0.35 before the education and aid rows had domains of their own). Every
    # link made is right.
    assert scores["pairwise_precision"] >= 0.97, scores
    assert scores["pairwise_recall"] >= 0.40, scores
    # No comparison can tell twins apart: rows equal in every field the linker reads.
    assert 0 < real.indistinguishable(raw, truth) < true_pairs
