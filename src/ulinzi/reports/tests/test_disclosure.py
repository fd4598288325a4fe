"""Generalisation, k-anonymity and small-cell suppression, without the database."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from ulinzi.reports import disclosure as dc
from ulinzi.reports.cells import Table, bridges, protect
from ulinzi.reports.generalisation import PUBLIC_HIERARCHIES
from ulinzi.reports.release.model import period_bounds
from ulinzi.reports.tests.checks import determined, shown_small


def test_bands_and_their_coarser_levels() -> None:
    assert [dc.band(n) for n in (None, 0, 1, 2, 4, 5, 9, 10, 250)] == [
        "",
        "0",
        "1",
        "2-4",
        "2-4",
        "5-9",
        "5-9",
        "10+",
        "10+",
    ]
    assert [dc.coarsen_band("2-4", lvl) for lvl in (0, 1, 2)] == ["2-4", "1-4", "1+"]
    assert [dc.coarsen_band("10+", lvl) for lvl in (0, 1, 2)] == ["10+", "5+", "1+"]
    five = ("0", "2-4", "", "10+", "1")
    assert dc.coarsen_bands(five, 0) == five
    assert dc.coarsen_bands(five, 1) == ("0", "1-4", "", "5+", "1-4")
    assert dc.coarsen_bands(five, 2) == ("0", "1-4", "*", "*", "*")
    assert dc.coarsen_bands(five, 3) == ("0", "1+", "*", "*", "*")
    assert dc.coarsen_bands(five, 4) == ("*",) * 5


def test_periods() -> None:
    from datetime import date

    assert dc.month_label(date(2024, 8, 9), "day") == "2024-08"
    assert dc.month_label(date(2024, 1, 1), "year") == "2024"
    assert [dc.coarsen_period("2024-08", lvl) for lvl in (0, 1, 2)] == [
        "2024-08",
        "2024-Q3",
        "2024",
    ]
    assert dc.coarsen_period("2024", 1) == "2024"
    assert period_bounds("2024-02") == ("2024-02-01", "2024-02-29")
    assert period_bounds("2023-Q4") == ("2023-10-01", "2023-12-31")
    assert period_bounds("2023") == ("2023-01-01", "2023-12-31")
    assert [dc.coarsen_day("2024-03-05", lvl) for lvl in (0, 1, 2)] == [
        "2024-03-05",
        "2024-03",
        "2024",
    ]


def test_the_least_generalised_scheme_that_keeps_enough_records_wins() -> None:
    # Five records per quarter spread over three months: months break k=5, quarters hold.
    groups: Counter[dc.Key] = Counter()
    for month, n in (("2024-01", 2), ("2024-02", 2), ("2024-03", 1), ("2024-04", 5)):
        groups[("UKR", "gbv", month, ("0",) * 5)] += n
    scheme = dc.choose_scheme(groups, PUBLIC_HIERARCHIES, k=5, max_suppressed=0)
    assert scheme.describe(PUBLIC_HIERARCHIES)["period"] == "quarter"
    assert scheme.describe(PUBLIC_HIERARCHIES)["casualties"] == dc.CASUALTY_LEVELS[0]
    assert scheme.suppressed == 0
    assert sorted(scheme.group_sizes.values()) == [5, 5]


def test_records_that_cannot_reach_k_are_suppressed_not_shown() -> None:
    groups: Counter[dc.Key] = Counter({("UKR", "gbv", "2024-01", ("0",) * 5): 9})
    groups[("SDN", "gbv", "2024-01", ("0",) * 5)] = 2  # alone in its country
    scheme = dc.choose_scheme(groups, PUBLIC_HIERARCHIES, k=5, max_suppressed=2)
    assert scheme.suppressed == 2
    assert scheme.levels == (0,) * len(PUBLIC_HIERARCHIES)  # no need to generalise the rest
    assert dc.k_achieved(scheme.group_sizes.values(), 5) == 9


qi_records = st.lists(
    st.tuples(
        st.sampled_from(["UKR", "SDN", "COD"]),
        st.sampled_from(["gbv", "protection"]),
        st.sampled_from(["2023-01", "2023-02", "2023-07", "2024-03", "2024"]),
        st.tuples(*[st.sampled_from(["", "0", "1", "2-4", "5-9", "10+"])] * 5),
    ),
    max_size=80,
)


@given(qi_records, st.integers(min_value=2, max_value=8), st.sampled_from([0.0, 0.05, 0.3]))
@settings(max_examples=150, deadline=None)
def test_every_released_group_has_at_least_k_records(
    records: list[dc.Key], k: int, share: float
) -> None:
    groups = Counter(records)
    scheme = dc.choose_scheme(
        groups, PUBLIC_HIERARCHIES, k=k, max_suppressed=int(len(records) * share)
    )
    project = dc.Projector(PUBLIC_HIERARCHIES, scheme.levels)
    released = [project(r) for r in records if scheme.group_sizes[project(r)] >= k]
    assert len(released) == len(records) - scheme.suppressed
    if released:
        assert dc.smallest_group(released) >= k
    # A scheme within the limit was taken whenever one exists (the most general one at least).
    top = dc.Projector(PUBLIC_HIERARCHIES, [len(h.levels) - 1 for h in PUBLIC_HIERARCHIES])
    floor = sum(n for n in Counter(top(r) for r in records).values() if n < k)
    if floor <= int(len(records) * share):
        assert scheme.suppressed <= int(len(records) * share)


cell_values = st.sampled_from([0, 0, 0, 1, 2, 3, 4, 5, 6, 9, 12, 40])
tables = st.integers(min_value=1, max_value=5).flatmap(
    lambda nr: st.integers(min_value=1, max_value=5).flatmap(
        lambda nc: st.lists(
            st.lists(cell_values, min_size=nc, max_size=nc), min_size=nr, max_size=nr
        )
    )
)


def _table(grid: list[list[int]]) -> Table:
    counts = {(f"r{i}", f"c{j}"): v for i, row in enumerate(grid) for j, v in enumerate(row)}
    rows = [f"r{i}" for i in range(len(grid))]
    cols = [f"c{j}" for j in range(len(grid[0]))]
    return Table.from_counts("t", "t", "r", counts, rows=rows, cols=cols)


@given(tables, st.sampled_from([3, 5]))
@settings(max_examples=300, deadline=None)
def test_no_small_cell_is_shown_and_no_hidden_cell_can_be_recomputed(
    grid: list[list[int]], k: int
) -> None:
    table = protect(_table(grid), k)
    assert shown_small(table, k) == []
    assert bridges(table.hidden) == []
    assert determined(table) == [], (grid, sorted(table.hidden))


def test_a_lone_small_cell_gets_a_complement_in_its_row_and_column() -> None:
    table = protect(_table([[3, 20, 30], [40, 50, 60], [70, 80, 90]]), 5)
    nr, nc = table.shape
    assert (0, 0) in table.hidden
    for line in table.lines():
        assert len([c for c in line if c in table.hidden]) != 1
    assert determined(table) == []
    assert table.shown(nr, nc) == sum(sum(r) for r in [[3, 20, 30], [40, 50, 60], [70, 80, 90]])


def test_totals_are_the_sums_of_the_cells() -> None:
    table = _table([[1, 2], [3, 4]])
    assert table.values == [[1, 2, 3], [3, 4, 7], [4, 6, 10]]
