"""Run the Splink model on a prepared frame: train (or reuse) parameters, score pairs.

DuckDB in-process is the default engine; Spark (:mod:`.backends`) runs the same model
for a deployment that outgrows one machine (see ``docs/linkage.md``). Models are
returned in DuckDB's SQL whichever engine trained them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import pandas as pd
from splink import Linker, SettingsCreator
from splink.internals.exceptions import SplinkException

from ulinzi.analysis.linkage import backends, model
from ulinzi.analysis.linkage.backends import DUCKDB, Backend

log = logging.getLogger(__name__)

# Below this many reports EM has too few pairs to learn from: reuse a trained model.
MIN_REPORTS_TO_TRAIN = 1500
COMPARISONS = ("occurred", "location", "types", "casualties", "facility_type",
               "facility_name", "perpetrator", "source")  # fmt: skip


class TrainingFailed(Exception):
    """The data gave the model nothing to learn from."""


@dataclass
class Prediction:
    """Scored pairs (``unique_id_l < unique_id_r``) and what produced them.

    ``trained`` is true when every parameter was estimated from this data; otherwise
    ``note`` says why not and which model was used instead (never a silent fallback)."""

    pairs: pd.DataFrame
    model: dict[str, Any]
    trained: bool
    seconds: dict[str, float] = field(default_factory=dict)
    level_labels: dict[str, dict[int, str]] = field(default_factory=dict)
    note: str = ""


REFERENCE = "the model trained on the synthetic reference set"


def _linker(
    frame: pd.DataFrame, settings: SettingsCreator | dict[str, Any], backend: Backend
) -> Linker:
    db_api = backend.api()
    if isinstance(settings, dict) and settings.get("sql_dialect", "duckdb") != backend.name:
        settings = backends.in_dialect(settings, backend.name)
    table = backend.register(db_api, frame, "reports")
    return Linker(table, settings, log_level=logging.WARNING)


def _prior(linker: Linker) -> None:
    try:
        linker.training.estimate_probability_two_random_records_match(
            list(model.DETERMINISTIC), recall=model.DETERMINISTIC_RECALL
        )
    except (ValueError, SplinkException) as exc:
        raise TrainingFailed(f"prior: {exc}") from exc
    if not linker._settings_obj._probability_two_random_records_match > 0:
        raise TrainingFailed(
            "no near-certain pairs to estimate the prior from (same day, province and "
            "facility, or same day and casualty counts from two sources)"
        )


def _u(linker: Linker, frame: pd.DataFrame, seed: int) -> None:
    pairs = min(5e6, max(2e5, len(frame) * 10.0))
    linker.training.estimate_u_using_random_sampling(max_pairs=pairs, seed=seed)


MIN_SESSION_PAIRS = 50


def _block_pairs(frame: pd.DataFrame, blocks: tuple[str, ...]) -> int:
    """How many pairs an EM session blocked on ``blocks`` would see (at most)."""
    sizes = frame.dropna(subset=list(blocks)).groupby(list(blocks)).size()
    return int((sizes * (sizes - 1) // 2).sum())


def _em(linker: Linker, frame: pd.DataFrame) -> None:
    """The EM sessions, each on the first alternative with pairs enough to learn from.
    The prior is the one estimated from near-certain pairs; EM does not move it."""
    prior = linker._settings_obj._probability_two_random_records_match
    for alternatives in model.TRAINING_SESSIONS:
        failures: list[str] = []
        for block in alternatives:
            rule = model.training_rule(block)
            found = _block_pairs(frame, block[0])
            if found < MIN_SESSION_PAIRS:
                failures.append(f"EM blocked on {rule}: {found} pairs")
                continue
            if _session(linker, rule, failures):
                break
        else:
            raise TrainingFailed("; ".join(failures))
    linker._settings_obj._probability_two_random_records_match = prior


UNDERFLOW = "below the minimum allowed"


def _session(linker: Linker, rule: str, failures: list[str]) -> bool:
    """One EM session; True when it ran. A level whose pairs are never matches (one
    organisation's reports, in data where none repeats itself) has its m halved and
    halved until it leaves what a float holds, which Splink refuses: then the session
    is run again with fewer iterations, stopping before that (the level's m is floored
    afterwards, :func:`_floor_m`)."""
    settings = linker._settings_obj
    original = settings.training_settings
    full = original.max_iterations
    try:
        for iterations in (full, full // 2, full // 4):
            # A session that fails leaves Splink's settings without the comparisons it
            # blocked on: keep them, so the next try and the model have them all.
            saved = settings.core_model_settings.copy()
            settings.training_settings = replace(original, max_iterations=iterations)
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True
                )
                return True
            except (ValueError, SplinkException, ZeroDivisionError) as exc:
                settings.core_model_settings = saved
                if UNDERFLOW not in str(exc) or iterations == full // 4:
                    failures.append(f"EM blocked on {rule}: {exc}")
                    return False
        return False
    finally:
        settings.training_settings = original


M_FLOOR = 1e-3


def _floor_m(model_json: dict[str, Any]) -> None:
    """No level forbids a match outright: EM can leave a level's m at 0 when the
    matches it saw never fell in it (two sources that always agreed on counts)."""
    for comparison in model_json.get("comparisons", []):
        levels = [
            lv for lv in comparison["comparison_levels"]
            if not lv.get("is_null_level") and lv.get("m_probability") is not None
        ]  # fmt: skip
        if not levels:
            continue
        floored = [max(float(lv["m_probability"]), M_FLOOR) for lv in levels]
        total = sum(floored)
        for lv, m in zip(levels, floored, strict=True):
            lv["m_probability"] = m / total


def _finish(linker: Linker, frame: pd.DataFrame) -> dict[str, Any]:
    trained = linker.misc.save_model_to_json()
    _floor_m(trained)
    # Splink's prior is for two reports drawn at random from the whole data; every pair
    # we score shares country and domain, so the prior that fits them is that one
    # divided by the chance two random reports share country and domain.
    prior = float(trained["probability_two_random_records_match"])
    trained["probability_two_random_records_match"] = min(0.5, prior / _same_block_share(frame))
    return _as_stored(trained)


def _as_stored(model_json: dict[str, Any]) -> dict[str, Any]:
    """Models are kept in DuckDB's SQL, whichever engine made them."""
    if model_json.get("sql_dialect", "duckdb") == "duckdb":
        return model_json
    return backends.in_dialect(model_json, "duckdb")


def train(frame: pd.DataFrame, *, seed: int = 11, backend: Backend = DUCKDB) -> dict[str, Any]:
    """Estimate the prior from near-certain pairs, u by random sampling and m by EM;
    return the model.

    Real data can lack what a step needs (no facility names, no sub-national places, no
    duplicates at all): then :class:`TrainingFailed` says which step and why, and the
    caller adapts a model trained elsewhere (:func:`adapt`) rather than use a
    half-trained one."""
    linker = _linker(frame, model.settings(backend.name), backend)
    _prior(linker)
    _u(linker, frame, seed)
    _em(linker, frame)
    trained = _finish(linker, frame)
    backend.close(linker._db_api)
    return trained


def adapt(
    frame: pd.DataFrame, base: dict[str, Any], *, seed: int = 11, backend: Backend = DUCKDB
) -> tuple[dict[str, Any], str]:
    """``base`` with what this data can give: u always (random pairs), the prior when
    the data has near-certain pairs. The m probabilities stay ``base``'s. Returns the
    model and what was estimated here."""
    linker = _linker(frame, dict(base), backend)
    _u(linker, frame, seed)
    try:
        _prior(linker)
    except TrainingFailed:
        adapted = _keep_prior(linker, base), "u estimated from this data; that model's prior kept"
    else:
        adapted = _finish(linker, frame), "u and the prior estimated from this data"
    backend.close(linker._db_api)
    return adapted


def _keep_prior(linker: Linker, base: dict[str, Any]) -> dict[str, Any]:
    out = linker.misc.save_model_to_json()
    out["probability_two_random_records_match"] = base["probability_two_random_records_match"]
    return _as_stored(out)


def _same_block_share(frame: pd.DataFrame) -> float:
    n = len(frame)
    sizes = frame.groupby(["country", "domain"]).size().to_numpy(dtype=float)
    return max(float((sizes * (sizes - 1)).sum()) / (n * (n - 1)), 1e-12) if n > 1 else 1.0


@lru_cache(maxsize=1)
def reference_model() -> dict[str, Any]:
    """A model trained on the synthetic reference set, for data too small to train on."""
    from ulinzi.analysis.linkage import standardise, synthetic

    return train(standardise.prepare(synthetic.generate(6000, seed=3)))


def labels_of(model_json: dict[str, Any]) -> dict[str, dict[int, str]]:
    out: dict[str, dict[int, str]] = {}
    for comparison in model_json.get("comparisons", []):
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        name = comparison["output_column_name"]
        out[name] = {
            len(levels) - 1 - i: lv.get("label_for_charts", "") for i, lv in enumerate(levels)
        }
        out[name][-1] = "not comparable (missing)"
    return out


def predict(
    frame: pd.DataFrame,
    *,
    threshold: float = 0.5,
    model_json: dict[str, Any] | None = None,
    fallback: tuple[dict[str, Any], str] | None = None,
    seed: int = 11,
    backend: Backend = DUCKDB,
) -> Prediction:
    """Score the pairs the blocking rules propose; keep those at or above ``threshold``.

    The model is ``model_json`` when given; else one trained on ``frame``; else, when
    ``frame`` cannot be trained on, ``fallback`` (a model and its description, e.g.
    the last one trained on this deployment) or the synthetic reference model, with u
    and the prior estimated from ``frame`` where it can. ``Prediction.note`` says
    which and why. ``backend`` is the engine that trains and scores."""
    seconds: dict[str, float] = {}
    if len(frame) < 2:
        empty = pd.DataFrame(columns=["unique_id_l", "unique_id_r", "match_probability",
                                      "match_weight"])  # fmt: skip
        return Prediction(pairs=empty, model=model_json or {}, trained=False,
                          note="fewer than two reports: nothing to compare")  # fmt: skip
    start = time.perf_counter()
    trained = False
    note = ""
    if model_json is not None:
        note = "model given by the caller"
    else:
        reason = ""
        if len(frame) < MIN_REPORTS_TO_TRAIN:
            reason = f"{len(frame):,} reports, fewer than the {MIN_REPORTS_TO_TRAIN:,} EM needs"
        else:
            try:
                model_json = train(frame, seed=seed, backend=backend)
                trained = True
                note = "trained on this data"
            except TrainingFailed as exc:
                reason = str(exc)
        if model_json is None:
            base, used = fallback or (reference_model(), REFERENCE)
            try:
                model_json, adapted = adapt(frame, base, seed=seed, backend=backend)
            except (ValueError, SplinkException) as exc:
                model_json, adapted = dict(base), f"used as it was ({exc})"
            note = f"not trained on this data: {reason}. Used {used}; {adapted}"
            log.warning("linkage: %s", note)
    seconds["train"] = time.perf_counter() - start
    # The trained model carries the comparisons; the blocking rules are always ours.
    settings = dict(model_json)
    settings["blocking_rules_to_generate_predictions"] = [
        rule if isinstance(rule, str) else rule.get_blocking_rule(backend.name).blocking_rule_sql
        for rule in model.prediction_blocking()
    ]
    linker = _linker(frame, settings, backend)
    start = time.perf_counter()
    scored = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    # Splink leaves out a comparison the data gave no value to (e.g. no facility names).
    # (Splink gives its column names quoted in the engine's way.)
    present = {col.name.strip('"`') for col in scored.columns}
    names = [c for c in COMPARISONS if f"gamma_{c}" in present]
    mw_cols = [f"round(mw_{c}, 3) AS mw_{c}" for c in names]
    gamma_cols = [f"gamma_{c}" for c in names]
    cols = ", ".join(["match_probability", "match_weight", *gamma_cols, *mw_cols])
    # Column and table names are ours (constants and Splink's own table), not input.
    select = "SELECT least(unique_id_l, unique_id_r) AS unique_id_l, "
    query = select + f"greatest(unique_id_l, unique_id_r) AS unique_id_r, {cols} FROM "  # noqa: S608
    query += scored.physical_name
    pairs = backend.query(linker._db_api, query)
    backend.close(linker._db_api)
    seconds["predict"] = time.perf_counter() - start
    return Prediction(
        pairs=pairs,
        model=model_json,
        trained=trained,
        seconds=seconds,
        level_labels=labels_of(model_json),
        note=note,
    )
