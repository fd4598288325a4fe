"""The import's fast validation gives exactly the answers of ``validation.clean``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ulinzi.common.problems import InvalidInput
from ulinzi.incidents import validation
from ulinzi.incidents.models import COUNT_FIELDS
from ulinzi.intake.checks import Checker
from ulinzi.vocab import registry

TODAY = date(2025, 6, 1)


def _codes(name: str) -> list[str]:
    return registry.get(name).codes()


junk = st.sampled_from(["", " ", "x", "Unknown", "UKR ", None, 3, 2.5, True, [], ["a"]])
counts = st.one_of(
    st.integers(min_value=-3, max_value=validation.MAX_COUNT + 2),
    st.sampled_from([None, "", 1.0, 2.5, "4", True, float("nan")]),
)
coords = st.one_of(
    st.floats(min_value=-200, max_value=200),
    st.sampled_from([None, "", 0, "12.5", float("inf")]),
)
any_type_code = st.sampled_from(
    sorted({c for d in registry.DOMAIN_TYPES.values() for c in _codes(d)})
)
fields: dict[str, Any] = {
    "domain": st.one_of(st.sampled_from(sorted(registry.DOMAIN_TYPES)), junk),
    "occurred_on": st.one_of(
        st.dates(min_value=date(1890, 1, 1), max_value=date(2030, 1, 1)),
        st.just(datetime(2024, 1, 2, 3, 4)),
        st.sampled_from(["2024-01-02", "2024-13-01", "", None]),
    ),
    "occurred_precision": st.sampled_from(["day", "month", "year", "", None, "week", " day"]),
    "country": st.sampled_from(["UKR", "ukr", "SDN", "XKX", "ZZZ", "Ukraine", "", None, 7]),
    "types": st.one_of(st.lists(any_type_code, max_size=3), junk),
    "resources": st.one_of(
        st.lists(st.sampled_from([*_codes("resource"), "car"]), max_size=3), junk
    ),
    "lat": coords,
    "lon": coords,
    "source_id": st.one_of(st.text(max_size=130), junk),
    "narrative": st.one_of(st.text(max_size=40), junk),
    "admin1_name": st.one_of(st.text(max_size=125), junk),
    "occurred_time": st.one_of(st.text(max_size=22), junk),
    **{
        name: st.one_of(st.sampled_from(_codes(vocab)), junk)
        for name, vocab in validation.SCALAR_VOCABS.items()
    },
    **{name: counts for name in COUNT_FIELDS},
    "colour": st.just("blue"),
}


@st.composite
def rows(draw: Any) -> dict[str, Any]:
    names = draw(st.sets(st.sampled_from(sorted(fields)), max_size=12))
    required = draw(st.sets(st.sampled_from(validation.REQUIRED)))
    return {name: draw(fields[name]) for name in sorted(names | required)}


def _answer(fn: Any, data: dict[str, Any]) -> Any:
    try:
        return ("ok", sorted(fn(dict(data)).items()))  # values compared with their types
    except InvalidInput as exc:
        return ("invalid", [(p.field, p.message, repr(p.value)) for p in exc.problems])


@settings(max_examples=600, deadline=None)
@given(rows())
def test_same_answers_as_validation_clean(data: dict[str, Any]) -> None:
    checker = Checker()
    checker.today = TODAY
    want = _answer(lambda d: validation.clean(d, today=TODAY), data)
    got = _answer(checker.clean, data)
    assert repr(got) == repr(want)


def test_fast_path_takes_typical_rows(monkeypatch: Any) -> None:
    checker = Checker()
    row = {
        "domain": "health_care_attack", "occurred_on": date(2024, 1, 2), "country": "UKR",
        "types": ["heavy_weapons", "heavy_weapons"], "resources": ["facility"],
        "killed": 3, "killed_health_workers": 1, "lat": 49.9, "lon": 36.2,
        "cause": "armed_conflict", "source_id": "A-1", "narrative": " text ",
    }  # fmt: skip
    want = validation.clean(dict(row))

    def slow(data: dict[str, Any], **kw: Any) -> dict[str, Any]:
        raise AssertionError("a typical row went to validation.clean")

    monkeypatch.setattr(validation, "clean", slow)
    assert checker.clean(dict(row)) == want
