"""Property-based checks of the incident rules: bad input is refused by name, never crashes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ulinzi.common.problems import InvalidInput
from ulinzi.incidents import validation
from ulinzi.incidents.models import COUNT_FIELDS
from ulinzi.vocab import registry

TODAY = date(2026, 1, 1)
junk = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*validation.EDITABLE_FIELDS, "bogus"]), junk, max_size=8))
def test_any_input_is_either_clean_or_names_its_fields(data: dict[str, Any]) -> None:
    try:
        cleaned = validation.clean(data, today=TODAY)
    except InvalidInput as exc:
        assert exc.problems
        for p in exc.problems:
            root = p.field.split("[")[0]
            assert root in data or root in validation.REQUIRED or root in ("lat", "lon"), p
            assert p.message
    else:
        assert set(cleaned) <= set(data)
        for name in validation.REQUIRED:
            assert name in cleaned


@settings(max_examples=200, deadline=None)
@given(
    domain=st.sampled_from(list(registry.DOMAIN_TYPES)),
    days_ago=st.integers(min_value=0, max_value=3000),
    counts=st.dictionaries(st.sampled_from(COUNT_FIELDS), st.integers(0, 50), max_size=6),
    data=st.data(),
)
def test_valid_incidents_pass(
    domain: str, days_ago: int, counts: dict[str, int], data: Any
) -> None:
    types = data.draw(st.lists(st.sampled_from(registry.types_for(domain).codes()), max_size=3))
    for name in list(counts):
        total = name.split("_")[0]
        if name != total:
            counts[total] = max(counts.get(total, 0), counts[name])
    incident = {
        "domain": domain,
        "occurred_on": TODAY - timedelta(days=days_ago),
        "country": "COD",
        "types": types,
        **counts,
    }
    cleaned = validation.clean(incident, today=TODAY)
    assert cleaned["types"] == list(dict.fromkeys(types))
    assert all(cleaned[k] == v for k, v in counts.items())


@given(st.integers(min_value=1, max_value=5000))
def test_future_dates_are_refused(days: int) -> None:
    try:
        validation.clean(
            {"domain": "gbv", "country": "UKR", "occurred_on": TODAY + timedelta(days=days)},
            today=TODAY,
        )
    except InvalidInput as exc:
        assert [p.field for p in exc.problems] == ["occurred_on"]
    else:
        raise AssertionError("a future date was accepted")


@given(st.integers(max_value=-1) | st.integers(min_value=validation.MAX_COUNT + 1))
def test_impossible_counts_are_refused(n: int) -> None:
    try:
        validation.clean(
            {"domain": "gbv", "country": "UKR", "occurred_on": TODAY, "injured": n}, today=TODAY
        )
    except InvalidInput as exc:
        assert [p.field for p in exc.problems] == ["injured"]
    else:
        raise AssertionError(f"count {n} was accepted")


def test_every_problem_is_a_code_of_the_catalogue_worded_where_it_is_shown() -> None:
    from django.utils import translation

    from ulinzi.common import problem_catalogue

    bad = {
        "domain": "gbv",
        "country": "Ukraine",
        "occurred_on": "1850-01-01",
        "types": ["heavy_weapons"],
        "lat": 91,
        "lon": 10,
        "killed": 100_001,
        "injured": 2,
        "injured_children": 3,
        "narrative": "x" * 20_001,
        "victims": [{"group": "martians", "kind": "killed", "count": 1}],
        "colour": "red",
    }
    try:
        validation.clean(bad, today=TODAY)
    except InvalidInput as exc:
        problems = exc.problems
    else:
        raise AssertionError("bad input was accepted")
    assert {p.field: p.code for p in problems} == {
        "colour": "unknown_field",
        "types[0]": "type_of_other_domain",
        "occurred_on": "before_1900",
        "country": "country_code",
        "narrative": "too_long",
        "lat": "coordinate_range",
        "killed": "count_too_high",
        "victims": "victim_group",
        "injured_children": "more_than_total",
    }
    assert all(p.code in problem_catalogue.CATALOGUE for p in problems)
    worded = {p.field: p.message for p in problems}
    assert worded["killed"] == "is more than 100,000; check the figure"
    assert worded["lat"] == "must be a number between -90 and 90"
    assert worded["types[0]"] == "is not a type of gbv (vocabulary gbv_type)"
    assert worded["victims"] == ("[0] group 'martians' is not a code of vocabulary victim_group")
    with translation.override("es"):
        assert {p.field: p.message for p in problems}["occurred_on"] == "es anterior a 1900"
